package clearbg.model.nn;

/**
 * One residual U-block (RSU) as data: {@code RSU-L(in, mid, out)}.
 *
 * <p>An RSU-L has an input conv ({@code in -> out}), {@code L-1} encoder convs ({@code out -> mid}, then
 * {@code mid -> mid}), one bottom conv ({@code mid -> mid}) and {@code L-2} decoder convs on
 * concatenations ({@code 2 mid -> mid}, the last {@code 2 mid -> out}); its output is the decoder output
 * plus the input conv's output.
 *
 * <p>When {@code dilated} is false (RSU-7 .. RSU-4) the encoder convs are separated by 2x2 max-pooling in
 * ceil mode, every conv has dilation 1 except the bottom one (dilation 2), and decoder inputs are
 * bilinearly upsampled to the skip tensor's size. When {@code dilated} is true (RSU-4F) there is no
 * pooling: encoder level {@code i} has dilation {@code 2^(i-1)}, the bottom conv {@code 2^(L-1)}, and each
 * decoder conv the dilation of the encoder level it joins.
 *
 * @param height the depth L of the block (number of encoder levels including the bottom), at least 2
 * @param inChannels channels entering the block
 * @param midChannels channels inside the U
 * @param outChannels channels leaving the block
 * @param dilated true for the RSU-4F kind (dilated convolutions instead of pooling)
 */
public record RsuSpec(int height, int inChannels, int midChannels, int outChannels, boolean dilated) {

    public RsuSpec {
        if (height < 2) {
            throw new IllegalArgumentException("RSU height must be at least 2, got " + height);
        }
        if (inChannels <= 0 || midChannels <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException("RSU channels must be positive");
        }
    }

    /** An RSU-L with pooling: {@code RSU-height(in, mid, out)}. */
    public static RsuSpec pooled(int height, int in, int mid, int out) {
        return new RsuSpec(height, in, mid, out, false);
    }

    /** An RSU-LF with dilations instead of pooling: {@code RSU-heightF(in, mid, out)}. */
    public static RsuSpec dilatedBlock(int height, int in, int mid, int out) {
        return new RsuSpec(height, in, mid, out, true);
    }

    /** Dilation of encoder level {@code level} (1-based, {@code 1 .. height-1}). */
    public int encoderDilation(int level) {
        return dilated ? 1 << (level - 1) : 1;
    }

    /** Dilation of the bottom conv (level {@code height}). */
    public int bottomDilation() {
        return dilated ? 1 << (height - 1) : 2;
    }

    /** A short label such as {@code RSU7(3,32,64)} or {@code RSU4F(512,256,512)}. */
    public String label() {
        return "RSU" + height + (dilated ? "F" : "") + "(" + inChannels + "," + midChannels + "," + outChannels + ")";
    }
}
