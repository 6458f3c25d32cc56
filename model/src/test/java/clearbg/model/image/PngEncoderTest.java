package clearbg.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngEncoderTest {

    private static final FloatImage FG = FloatImage.of(2, 1, 3, new float[] {200, 100, 0, 10.4f, 20.6f, 300});
    private static final byte[] ALPHA = {(byte) 128, 0};

    @Test
    void greyMaskRoundTrips() throws IOException {
        byte[] mask = {0, 1, (byte) 128, (byte) 255, 7, 9};
        BufferedImage image = read(PngEncoder.encodeGrey(mask, 3, 2));
        assertEquals(1, image.getRaster().getNumBands());
        int[] samples = image.getRaster().getSamples(0, 0, 3, 2, 0, (int[]) null);
        assertArrayEquals(new int[] {0, 1, 128, 255, 7, 9}, samples);
    }

    @Test
    void rgbaCarriesColourAndAlpha() throws IOException {
        BufferedImage image = read(PngEncoder.encodeRgba(FG, ALPHA));
        assertEquals(4, image.getRaster().getNumBands());
        assertArrayEquals(new int[] {200, 100, 0, 128}, image.getRaster().getPixel(0, 0, (int[]) null));
        assertArrayEquals(new int[] {10, 21, 255, 0}, image.getRaster().getPixel(1, 0, (int[]) null));
    }

    @Test
    void opaqueBackgroundBlendsToRgb() throws IOException {
        BufferedImage image = read(PngEncoder.encodeOver(FG, ALPHA, new Rgba(0, 50, 255, 255)));
        assertEquals(3, image.getRaster().getNumBands());
        double a = 128 / 255.0;
        int[] expected = {
            (int) Math.round(a * 200 + (1 - a) * 0),
            (int) Math.round(a * 100 + (1 - a) * 50),
            (int) Math.round(a * 0 + (1 - a) * 255)
        };
        assertArrayEquals(expected, image.getRaster().getPixel(0, 0, (int[]) null));
        assertArrayEquals(new int[] {0, 50, 255}, image.getRaster().getPixel(1, 0, (int[]) null));
    }

    @Test
    void transparentBackgroundKeepsAlpha() throws IOException {
        BufferedImage image = read(PngEncoder.encodeOver(FG, ALPHA, new Rgba(9, 9, 9, 0)));
        assertEquals(4, image.getRaster().getNumBands());
        assertArrayEquals(new int[] {200, 100, 0, 128}, image.getRaster().getPixel(0, 0, (int[]) null));
        assertArrayEquals(new int[] {0, 0, 0, 0}, image.getRaster().getPixel(1, 0, (int[]) null));
    }

    @Test
    void rejectsMismatchedMaskAndBadColour() {
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.encodeGrey(new byte[5], 3, 2));
        assertThrows(IllegalArgumentException.class, () -> PngEncoder.encodeRgba(FG, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> new Rgba(0, 0, 256, 0));
    }

    private static BufferedImage read(byte[] png) throws IOException {
        try (ByteArrayInputStream in = new ByteArrayInputStream(png)) {
            return ImageIO.read(in);
        }
    }
}
