package clearbg.jobs.remove;

import clearbg.model.image.FloatImage;
import clearbg.model.image.PngEncoder;
import clearbg.model.image.Rgba;
import clearbg.model.matting.AlphaMatting;
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
        FloatImage colour = photo;
        byte[] alpha = mask.values();
        if (matting != null) {
            AlphaMatting.Cutout matted = matting.apply(photo, alpha);
            colour = matted.colour();
            alpha = matted.alpha();
        }
        return background == null
                ? PngEncoder.encodeRgba(colour, alpha)
                : PngEncoder.encodeOver(colour, alpha, background);
    }
}
