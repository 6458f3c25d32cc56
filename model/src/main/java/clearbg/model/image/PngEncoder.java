package clearbg.model.image;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Encodes masks, cut-outs and composites as 8-bit PNG with ImageIO's PNG writer.
 *
 * <p>Masks and alpha are {@code byte[]} of {@code width * height} unsigned values, row-major. Colour
 * samples of a {@link FloatImage} (0..255, 1 or 3 channels; grey is replicated to RGB) are written as
 * {@code clamp(round(v), 0, 255)}.
 */
public final class PngEncoder {

    private PngEncoder() {}

    /** An 8-bit grey PNG of the mask. */
    public static byte[] encodeGrey(byte[] mask, int width, int height) {
        checkMask(mask, width, height);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                row[x] = mask[y * width + x] & 0xFF;
            }
            raster.setSamples(0, y, width, 1, 0, row);
        }
        return write(image);
    }

    /** An RGBA PNG: colour from {@code rgb}, alpha from {@code alpha} (same width and height). */
    public static byte[] encodeRgba(FloatImage rgb, byte[] alpha) {
        checkMask(alpha, rgb.width(), rgb.height());
        BufferedImage image = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_4BYTE_ABGR);
        WritableRaster raster = image.getRaster();
        int[] pixel = new int[4];
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0; x < rgb.width(); x++) {
                for (int c = 0; c < 3; c++) {
                    pixel[c] = to8(rgb.get(x, y, rgb.channels() == 1 ? 0 : c));
                }
                pixel[3] = alpha[y * rgb.width() + x] & 0xFF;
                raster.setPixel(x, y, pixel);
            }
        }
        return write(image);
    }

    /**
     * The foreground composited over a solid {@code background} with the Porter-Duff "over" operator,
     * {@code a = alpha / 255}, {@code ab = background.a / 255}:
     * {@code outA = a + (1 - a) ab}, {@code out = (a fg + (1 - a) ab bg) / outA}. With an opaque background
     * this is {@code out = a fg + (1 - a) bg} and the PNG is RGB; otherwise it is RGBA with alpha
     * {@code round(255 outA)} (colour 0 where {@code outA = 0}).
     */
    public static byte[] encodeOver(FloatImage rgb, byte[] alpha, Rgba background) {
        Objects.requireNonNull(background, "background");
        checkMask(alpha, rgb.width(), rgb.height());
        boolean opaque = background.opaque();
        BufferedImage image = new BufferedImage(
                rgb.width(), rgb.height(), opaque ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_4BYTE_ABGR);
        WritableRaster raster = image.getRaster();
        int[] bg = {background.r(), background.g(), background.b()};
        double ab = background.a() / 255.0;
        int[] pixel = new int[opaque ? 3 : 4];
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0; x < rgb.width(); x++) {
                double a = (alpha[y * rgb.width() + x] & 0xFF) / 255.0;
                double outA = a + (1 - a) * ab;
                for (int c = 0; c < 3; c++) {
                    double fg = rgb.get(x, y, rgb.channels() == 1 ? 0 : c);
                    pixel[c] = outA == 0 ? 0 : to8((a * fg + (1 - a) * ab * bg[c]) / outA);
                }
                if (!opaque) {
                    pixel[3] = to8(255 * outA);
                }
                raster.setPixel(x, y, pixel);
            }
        }
        return write(image);
    }

    private static int to8(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    private static void checkMask(byte[] mask, int width, int height) {
        Objects.requireNonNull(mask, "mask");
        if (width <= 0 || height <= 0 || mask.length != (long) width * height) {
            throw new IllegalArgumentException(
                    "mask length " + mask.length + " does not match " + width + "x" + height);
        }
    }

    private static byte[] write(BufferedImage image) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no ImageIO PNG writer available");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(new IIOImage(image, null, null));
        } catch (IOException e) {
            throw new UncheckedIOException("PNG encoding failed", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
