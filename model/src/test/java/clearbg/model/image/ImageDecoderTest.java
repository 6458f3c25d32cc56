package clearbg.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.testing.Fixtures;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void grey8PngIsOneChannelExact() {
        BufferedImage image = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                image.getRaster().setSample(x, y, 0, 50 * x + y);
            }
        }
        FloatImage out = decoder.decode(Encoded.of(image, "png"), "grey.png");
        assertEquals(1, out.channels());
        assertEquals(5, out.width());
        assertEquals(4, out.height());
        assertEquals(203f, out.get(4, 3, 0));
        assertEquals(51f, out.get(1, 1, 0));
    }

    @Test
    void grey16PngKeepsSixteenBitPrecision() {
        BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] values = {0, 1, 32768, 65535};
        image.getRaster().setSamples(0, 0, 4, 1, 0, values);
        FloatImage out = decoder.decode(Encoded.of(image, "png"), "grey16.png");
        assertEquals(1, out.channels());
        for (int x = 0; x < 4; x++) {
            assertEquals(values[x] * 255.0 / 65535.0, out.get(x, 0, 0), 1e-5);
        }
        assertTrue(out.get(1, 0, 0) > 0f, "1/65535 must not round to 0");
    }

    @Test
    void palettePngIsRgb() {
        byte[] r = {(byte) 255, 0, 0, 10};
        byte[] g = {0, (byte) 255, 0, 20};
        byte[] b = {0, 0, (byte) 255, 30};
        BufferedImage image =
                new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
        image.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 1, 2, 3});
        FloatImage out = decoder.decode(Encoded.of(image, "png"), "palette.png");
        assertEquals(3, out.channels());
        assertEquals(255f, out.get(0, 0, 0));
        assertEquals(255f, out.get(1, 0, 1));
        assertEquals(255f, out.get(2, 0, 2));
        assertEquals(0f, out.get(2, 0, 0));
        assertEquals(rgb(10f, 20f, 30f), pixel(out, 3, 0));
    }

    @Test
    void oneBitGreyPngIsOneChannel() {
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
        image.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {1, 0, 1});
        FloatImage out = decoder.decode(Encoded.of(image, "png"), "binary.png");
        assertEquals(1, out.channels());
        assertEquals(255f, out.get(0, 0, 0));
        assertEquals(0f, out.get(1, 0, 0));
    }

    @Test
    void rgbaPngDropsAlphaWithoutCompositing() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x000A141E); // fully transparent, colour (10, 20, 30)
        image.setRGB(1, 0, 0x80FF8000);
        FloatImage out = decoder.decode(Encoded.of(image, "png"), "rgba.png");
        assertEquals(3, out.channels());
        assertEquals(rgb(10f, 20f, 30f), pixel(out, 0, 0));
        assertEquals(rgb(255f, 128f, 0f), pixel(out, 1, 0));
    }

    @Test
    void bmpIsRgbExact() {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_3BYTE_BGR);
        image.setRGB(2, 1, 0x123456);
        FloatImage out = decoder.decode(Encoded.of(image, "bmp"), "x.bmp");
        assertEquals(3, out.channels());
        assertEquals(rgb(0x12, 0x34, 0x56), pixel(out, 2, 1));
        assertEquals(rgb(0f, 0f, 0f), pixel(out, 0, 0));
    }

    @Test
    void jpegColourAndGrey() {
        BufferedImage rgb = new BufferedImage(16, 16, BufferedImage.TYPE_3BYTE_BGR);
        BufferedImage grey = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                rgb.setRGB(x, y, 0xC86432);
                grey.getRaster().setSample(x, y, 0, 77);
            }
        }
        FloatImage colour = decoder.decode(Encoded.of(rgb, "jpg"), "c.jpg");
        assertEquals(3, colour.channels());
        assertEquals(200, colour.get(8, 8, 0), 4);
        assertEquals(100, colour.get(8, 8, 1), 4);
        assertEquals(50, colour.get(8, 8, 2), 4);
        FloatImage g = decoder.decode(Encoded.of(grey, "jpg"), "g.jpg");
        assertEquals(1, g.channels());
        assertEquals(77, g.get(3, 3, 0), 2);
    }

    @Test
    void cmykJpegIsConvertedToRgb() {
        FloatImage out = decoder.decode(Fixtures.resource("image/cmyk.jpg"), "cmyk.jpg");
        assertEquals(3, out.channels());
        assertEquals(16, out.width());
        assertEquals(8, out.height());
        for (int c = 0; c < 3; c++) {
            assertTrue(out.get(2, 4, c) > 230, "no ink must be near white: " + pixel(out, 2, 4));
            assertTrue(out.get(13, 4, c) < 90, "full black ink must be dark: " + pixel(out, 13, 4));
        }
    }

    @Test
    void decodesFromPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.png");
        Files.write(file, Encoded.of(new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY), "png"));
        assertEquals(3, decoder.decode(file).width());
        ImageDecodeException missing =
                assertThrows(ImageDecodeException.class, () -> decoder.decode(dir.resolve("missing.png")));
        assertTrue(missing.getMessage().contains("missing.png: cannot read file"), missing.getMessage());
    }

    @Test
    void emptyInput() {
        assertFailure(new byte[0], "a.jpg", "a.jpg: empty file");
    }

    @Test
    void truncatedJpeg() {
        byte[] full = Encoded.of(new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), "jpg");
        assertEquals(3, decoder.decode(full, "full.jpg").channels());
        assertFailure(Arrays.copyOf(full, full.length * 2 / 3), "cut.jpg", "cut.jpg: truncated JPEG");
    }

    @Test
    void jpegWithTrailingBytesAfterEoiIsAccepted() {
        byte[] full = Encoded.of(new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR), "jpg");
        byte[] padded = Arrays.copyOf(full, full.length + 10);
        assertEquals(8, decoder.decode(padded, "padded.jpg").width());
    }

    @Test
    void truncatedPng() {
        byte[] full = Encoded.of(new BufferedImage(64, 64, BufferedImage.TYPE_3BYTE_BGR), "png");
        assertFailure(Arrays.copyOf(full, full.length / 2), "cut.png", "cut.png: truncated PNG");
    }

    @Test
    void corruptPngData() {
        BufferedImage noisy = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 32 * 32; i++) {
            noisy.getRaster().setSample(i % 32, i / 32, 0, (i * 7919) % 251);
        }
        byte[] bytes = Encoded.of(noisy, "png");
        for (int i = 60; i < bytes.length - 40; i++) {
            bytes[i] = (byte) 0x55; // destroys the compressed data, IEND intact
        }
        assertFailure(bytes, "bad.png", "bad.png: corrupt or truncated image data");
    }

    @Test
    void textFileNamedPng() {
        assertFailure(
                "hello, I am not a picture\n".getBytes(StandardCharsets.UTF_8),
                "notes.png",
                "notes.png: not an image (the content is text)");
    }

    @Test
    void unknownBinaryAndHeic() {
        assertFailure(
                new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "x.bin", "x.bin: not an image or an unsupported format");
        byte[] heic = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0};
        assertFailure(heic, "x.heic", "x.heic: unsupported format (ISO base media container");
    }

    @Test
    void overThePixelLimit() {
        byte[] png = Encoded.of(new BufferedImage(20, 10, BufferedImage.TYPE_BYTE_GRAY), "png");
        ImageDecoder small = new ImageDecoder(DecodeLimits.ofMaxPixels(199));
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> small.decode(png, "big.png"));
        assertEquals("big.png: image is 20x10 = 200 pixels, over the limit of 199 pixels", e.getMessage());
        assertEquals(
                20,
                new ImageDecoder(DecodeLimits.ofMaxPixels(200))
                        .decode(png, "ok.png")
                        .width());
    }

    @Test
    void pixelLimitIsCheckedFromTheHeaderBeforeDecoding() {
        byte[] png = Encoded.of(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png");
        // IHDR data starts at byte 16: width, height (big-endian); its CRC follows the 13 data bytes.
        ByteBuffer buffer = ByteBuffer.wrap(png);
        buffer.putInt(16, 200_000).putInt(20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        buffer.putInt(29, (int) crc.getValue());
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(png, "bomb.png"));
        assertTrue(
                e.getMessage().contains("200000x100000 = 20000000000 pixels, over the limit of 100000000"),
                e.getMessage());
    }

    private void assertFailure(byte[] bytes, String source, String expectedPrefix) {
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> decoder.decode(bytes, source));
        assertTrue(e.getMessage().startsWith(expectedPrefix), e.getMessage());
        assertEquals(source, e.source());
    }

    private static List<Float> rgb(float r, float g, float b) {
        return List.of(r, g, b);
    }

    private static List<Float> pixel(FloatImage image, int x, int y) {
        return rgb(image.get(x, y, 0), image.get(x, y, 1), image.get(x, y, 2));
    }
}
