package clearbg.model.image;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Decodes ground-truth masks into 1-channel {@link FloatImage}s of 0..255.
 *
 * <p>Grey masks are returned as decoded. Colour masks are converted exactly as OpenCV's
 * {@code cv2.imread(path, cv2.IMREAD_GRAYSCALE)} does for a colour PNG (PySODMetrics reads ground truth
 * that way): OpenCV asks libpng for {@code png_set_rgb_to_gray(0.299, 0.587)}, which computes in 15-bit
 * fixed point and truncates: {@code Y = floor((9798 R + 19235 G + 3735 B) / 32768)}
 * (checked against opencv-python 4.14 on random colours: identical; {@code round(0.299 R + 0.587 G +
 * 0.114 B)} differs by one level on about half of them). Masks with {@code R = G = B} convert exactly.
 * A colour JPEG mask is read by OpenCV through libjpeg's own grey conversion, which this does not
 * reproduce (it may differ by a level or so). Note that the original U²-Net training loader instead keeps
 * only the first (red) channel of a colour mask.
 */
public final class MaskDecoder {

    private final ImageDecoder decoder;

    public MaskDecoder() {
        this(DecodeLimits.defaults());
    }

    public MaskDecoder(DecodeLimits limits) {
        this.decoder = new ImageDecoder(limits);
    }

    public FloatImage decode(byte[] bytes, String sourceName) {
        return toGrey(decoder.decode(bytes, sourceName));
    }

    public FloatImage decode(Path path) {
        return toGrey(decoder.decode(path));
    }

    /** Returns a 1-channel image unchanged; converts a 3-channel one with libpng's luminance rule. */
    public static FloatImage toGrey(FloatImage image) {
        Objects.requireNonNull(image, "image");
        if (image.channels() == 1) {
            return image;
        }
        float[] rgb = image.data();
        float[] grey = new float[image.width() * image.height()];
        for (int i = 0; i < grey.length; i++) {
            double weighted = 9798.0 * rgb[3 * i] + 19235.0 * rgb[3 * i + 1] + 3735.0 * rgb[3 * i + 2];
            grey[i] = (float) Math.floor(weighted / 32768.0);
        }
        return FloatImage.of(image.width(), image.height(), 1, grey);
    }
}
