package clearbg.model.transform;

/**
 * PyTorch's {@code F.interpolate(x, size, mode="bilinear", align_corners=False)} (also the deprecated
 * {@code F.upsample}) on one channel plane, in float32 as its CPU kernel computes: for output row {@code y} the
 * source row is {@code max(0, (y + 0.5) h_in / h_out - 0.5)}, its floor {@code y0}, the next row {@code y1}
 * (clamped), weights {@code 1 - t} and {@code t}; the same along columns. No anti-aliasing, so it is the same
 * rule when shrinking (where DJL's libtorch call anti-aliases and differs). Used by IS-Net's inference.
 */
public final class TorchBilinear {

    private TorchBilinear() {}

    /** {@code plane} ({@code height x width}, row-major) resized to {@code outHeight x outWidth}. */
    public static float[] resize(float[] plane, int width, int height, int outWidth, int outHeight) {
        return resize(plane, 0, width, height, outWidth, outHeight);
    }

    /** The same for the plane starting at {@code from} in {@code data}. */
    public static float[] resize(float[] data, int from, int width, int height, int outWidth, int outHeight) {
        int[] x0 = new int[outWidth];
        int[] x1 = new int[outWidth];
        float[] tx = new float[outWidth];
        sourceIndices(width, outWidth, x0, x1, tx);
        int[] y0 = new int[outHeight];
        int[] y1 = new int[outHeight];
        float[] ty = new float[outHeight];
        sourceIndices(height, outHeight, y0, y1, ty);
        float[] out = new float[outWidth * outHeight];
        for (int y = 0; y < outHeight; y++) {
            int top = from + y0[y] * width;
            int bottom = from + y1[y] * width;
            float wy1 = ty[y];
            float wy0 = 1f - wy1;
            for (int x = 0; x < outWidth; x++) {
                float wx1 = tx[x];
                float wx0 = 1f - wx1;
                out[y * outWidth + x] = wy0 * (wx0 * data[top + x0[x]] + wx1 * data[top + x1[x]])
                        + wy1 * (wx0 * data[bottom + x0[x]] + wx1 * data[bottom + x1[x]]);
            }
        }
        return out;
    }

    /** For each output index: the two source indices and the weight of the second. */
    private static void sourceIndices(int in, int out, int[] first, int[] second, float[] weight) {
        float scale = (float) in / out;
        for (int i = 0; i < out; i++) {
            float source = Math.max(0f, scale * (i + 0.5f) - 0.5f);
            int lower = Math.min((int) source, in - 1);
            first[i] = lower;
            second[i] = lower + (lower < in - 1 ? 1 : 0);
            weight[i] = source - lower;
        }
    }
}
