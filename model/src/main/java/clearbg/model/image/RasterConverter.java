package clearbg.model.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Converts a decoded {@link BufferedImage} into a {@link FloatImage} of 0..255 floats.
 *
 * <ul>
 *   <li>Grey colour space (with or without alpha), and indexed images whose whole palette is grey
 *       (this covers 1-, 2- and 4-bit grey PNGs, which ImageIO represents with a grey palette):
 *       1 channel.</li>
 *   <li>Everything else: 3 channels, RGB.</li>
 *   <li>Alpha is dropped, not composited: the colour samples are taken as stored (PNG stores them
 *       un-premultiplied), which is what the U²-Net data loader sees from {@code skimage.io.imread}
 *       after it keeps the first three channels.</li>
 *   <li>Component values of {@code b} bits are scaled by {@code 255 / (2^b - 1)} in double precision and
 *       kept as float: a 16-bit sample {@code v} becomes {@code v * 255 / 65535}, not rounded to 8 bits.</li>
 *   <li>RGB colour spaces that are not sRGB-like, and any other colour space a plugin leaves in the image
 *       (e.g. CMYK TIFF), go through {@link BufferedImage#getRGB}: 8-bit sRGB precision.</li>
 * </ul>
 */
final class RasterConverter {

    private RasterConverter() {}

    static FloatImage toFloat(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            return fromPalette(image.getRaster(), icm);
        }
        int csType = cm.getColorSpace().getType();
        if (csType == ColorSpace.TYPE_GRAY) {
            return fromComponents(image.getRaster(), cm, 1);
        }
        if (csType == ColorSpace.TYPE_RGB && cm.getColorSpace().isCS_sRGB()) {
            return fromComponents(image.getRaster(), cm, 3);
        }
        return fromArgb(image);
    }

    private static FloatImage fromComponents(Raster raster, ColorModel cm, int channels) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(w, h), channels)];
        int[] row = new int[w];
        for (int c = 0; c < channels; c++) {
            double scale = 255.0 / ((1L << cm.getComponentSize(c)) - 1);
            for (int y = 0; y < h; y++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, c, row);
                int base = y * w * channels + c;
                for (int x = 0; x < w; x++) {
                    out[base + x * channels] = (float) (row[x] * scale);
                }
            }
        }
        return FloatImage.of(w, h, channels, out);
    }

    private static FloatImage fromPalette(Raster raster, IndexColorModel icm) {
        int size = icm.getMapSize();
        boolean grey = true;
        for (int i = 0; i < size && grey; i++) {
            grey = icm.getRed(i) == icm.getGreen(i) && icm.getGreen(i) == icm.getBlue(i);
        }
        int channels = grey ? 1 : 3;
        int w = raster.getWidth();
        int h = raster.getHeight();
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(w, h), channels)];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * channels;
                int index = row[x];
                out[i] = icm.getRed(index);
                if (!grey) {
                    out[i + 1] = icm.getGreen(index);
                    out[i + 2] = icm.getBlue(index);
                }
            }
        }
        return FloatImage.of(w, h, channels, out);
    }

    private static FloatImage fromArgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                out[i] = (row[x] >> 16) & 0xFF;
                out[i + 1] = (row[x] >> 8) & 0xFF;
                out[i + 2] = row[x] & 0xFF;
            }
        }
        return FloatImage.of(w, h, 3, out);
    }
}
