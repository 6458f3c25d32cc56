package clearbg.jobs.remove;

import clearbg.model.image.FloatImage;
import clearbg.model.image.PngEncoder;
import clearbg.model.image.Rgba;
import clearbg.model.matting.AlphaMatting;
import clearbg.model.matting.MattingStop;
import clearbg.model.predict.MaskImage;

/**
 * The PNG of a cut-out, shared by the removal pipeline and {@code clearbg serve}: the photo's colours with the
 * mask as alpha, both refined by {@code matting} when given ({@link AlphaMatting}), transparent, or composited
 * over {@code background} when given.
 */
public final class CutoutEncoder {

    private CutoutEncoder() {}

    /** The cut-out of {@code photo} under {@code mask}; {@code matting} and {@code background} may be null. */
    public static byte[] encode(FloatImage photo, MaskImage mask, AlphaMatting matting, Rgba background) {
        return encode(photo, mask, matting, background, MattingStop.NEVER);
    }

    /**
     * The same, with the matting polling {@code stop}.
     *
     * @throws clearbg.model.matting.MattingStoppedException when {@code stop} gave a reason before it was done
     */
    public static byte[] encode(
            FloatImage photo, MaskImage mask, AlphaMatting matting, Rgba background, MattingStop stop) {
        FloatImage colour = photo;
        byte[] alpha = mask.values();
        if (matting != null) {
            AlphaMatting.Cutout matted = matting.apply(photo, alpha, stop);
            colour = matted.colour();
            alpha = matted.alpha();
        }
        return background == null
                ? PngEncoder.encodeRgba(colour, alpha)
                : PngEncoder.encodeOver(colour, alpha, background);
    }
}
