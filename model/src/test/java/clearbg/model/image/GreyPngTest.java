package clearbg.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link ImageDecoder} gives the same values with its fast 8-bit grey PNG path ({@link GreyPng}) as ImageIO's PNG
 * reader does: on PNGs with each of the five row filters (written here byte by byte), on ImageIO's and the metric
 * goldens' (OpenCV's) grey PNGs; and the PNGs the fast path declines (RGB, RGBA, palette, 16-bit, 1-bit, interlaced,
 * transparency, a broken CRC, a cut stream) still decode as ImageIO decodes them.
 */
class GreyPngTest {

    private static final long MAX_PIXELS = 1L << 30;

    private static float[] viaImageIo(byte[] png) throws IOException {
        return RasterConverter.toFloat(ImageIO.read(new ByteArrayInputStream(png)))
                .data();
    }

    private static float[] viaDecoder(byte[] png) {
        return new ImageDecoder().decode(png, "test.png").data();
    }

    private static byte[] chunk(String type, byte[] data) {
        ByteBuffer out = ByteBuffer.allocate(12 + data.length);
        byte[] name = type.getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        return out.putInt(data.length)
                .put(name)
                .put(data)
                .putInt((int) crc.getValue())
                .array();
    }

    /** An 8-bit grey PNG whose row y uses filter {@code filters[y % filters.length]}. */
    private static byte[] greyPng(int[][] pixels, int[] filters, byte[] extraChunk) {
        int h = pixels.length;
        int w = pixels[0].length;
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        for (int y = 0; y < h; y++) {
            int filter = filters[y % filters.length];
            raw.write(filter);
            for (int x = 0; x < w; x++) {
                int left = x > 0 ? pixels[y][x - 1] : 0;
                int up = y > 0 ? pixels[y - 1][x] : 0;
                int upLeft = x > 0 && y > 0 ? pixels[y - 1][x - 1] : 0;
                int predictor = switch (filter) {
                    case 0 -> 0;
                    case 1 -> left;
                    case 2 -> up;
                    case 3 -> (left + up) / 2;
                    default -> paeth(left, up, upLeft);
                };
                raw.write((pixels[y][x] - predictor) & 0xff);
            }
        }
        Deflater deflater = new Deflater();
        deflater.setInput(raw.toByteArray());
        deflater.finish();
        byte[] buffer = new byte[raw.size() + 1024];
        int compressed = deflater.deflate(buffer);
        deflater.end();
        byte[] idat = Arrays.copyOf(buffer, compressed);
        ByteBuffer header = ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        png.writeBytes(chunk("IHDR", header.array()));
        if (extraChunk != null) {
            png.writeBytes(extraChunk);
        }
        // two IDAT chunks: the stream may be split anywhere
        int half = idat.length / 2;
        png.writeBytes(chunk("IDAT", Arrays.copyOfRange(idat, 0, half)));
        png.writeBytes(chunk("IDAT", Arrays.copyOfRange(idat, half, idat.length)));
        png.writeBytes(chunk("IEND", new byte[0]));
        return png.toByteArray();
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int[][] randomPixels(SplittableRandom random, int w, int h) {
        int[][] pixels = new int[h][w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // smooth areas and noise, so that every filter sees carries and wrap-arounds
                pixels[y][x] = random.nextInt(4) == 0 ? random.nextInt(256) : (x * 7 + y * 13) & 0xff;
            }
        }
        return pixels;
    }

    @Test
    void everyRowFilterDecodesAsImageIoDoes() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        for (int[] filters : new int[][] {{0}, {1}, {2}, {3}, {4}, {4, 3, 2, 1, 0}}) {
            for (int[] size : new int[][] {{1, 1}, {1, 9}, {37, 23}}) {
                byte[] png = greyPng(randomPixels(random, size[0], size[1]), filters, null);
                assertNotNull(GreyPng.decode(png, MAX_PIXELS), "the fast path takes it");
                assertArrayEquals(viaImageIo(png), viaDecoder(png), "filters " + filters[0] + ", " + size[0]);
            }
        }
    }

    @Test
    void imageIoAndOpenCvGreyPngsDecodeAsImageIoDoes() throws IOException {
        BufferedImage image = new BufferedImage(70, 40, BufferedImage.TYPE_BYTE_GRAY);
        SplittableRandom random = new SplittableRandom(3);
        for (int y = 0; y < 40; y++) {
            for (int x = 0; x < 70; x++) {
                image.getRaster().setSample(x, y, 0, random.nextInt(3) == 0 ? random.nextInt(256) : x + y);
            }
        }
        byte[] png = Encoded.of(image, "png");
        assertNotNull(GreyPng.decode(png, MAX_PIXELS));
        assertArrayEquals(viaImageIo(png), viaDecoder(png));

        Path pairs = Paths.get("src", "test", "resources", "metric", "dis", "pairs");
        List<Path> files;
        try (Stream<Path> list = Files.list(pairs)) {
            files = list.filter(p -> p.toString().endsWith(".png")).sorted().toList();
        }
        assertTrue(files.size() > 4, "the DIS goldens' pairs");
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            assertNotNull(GreyPng.decode(bytes, MAX_PIXELS), file + " is 8-bit grey");
            assertArrayEquals(viaImageIo(bytes), viaDecoder(bytes), file.toString());
        }
    }

    @Test
    void otherPngsGoThroughImageIo() throws IOException {
        SplittableRandom random = new SplittableRandom(9);
        int[] types = {
            BufferedImage.TYPE_3BYTE_BGR,
            BufferedImage.TYPE_INT_ARGB,
            BufferedImage.TYPE_BYTE_INDEXED,
            BufferedImage.TYPE_USHORT_GRAY,
            BufferedImage.TYPE_BYTE_BINARY
        };
        for (int type : types) {
            BufferedImage image = new BufferedImage(19, 11, type);
            for (int y = 0; y < 11; y++) {
                for (int x = 0; x < 19; x++) {
                    image.setRGB(x, y, random.nextInt());
                }
            }
            byte[] png = Encoded.of(image, "png");
            assertNull(GreyPng.decode(png, MAX_PIXELS), "type " + type);
            assertArrayEquals(viaImageIo(png), viaDecoder(png), "type " + type);
        }

        BufferedImage grey = new BufferedImage(33, 17, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 17; y++) {
            for (int x = 0; x < 33; x++) {
                grey.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        byte[] interlaced = interlacedPng(grey);
        assertNull(GreyPng.decode(interlaced, MAX_PIXELS), "Adam7");
        assertArrayEquals(viaImageIo(interlaced), viaDecoder(interlaced), "Adam7");

        int[][] pixels = randomPixels(random, 12, 7);
        byte[] transparent = greyPng(pixels, new int[] {1}, chunk("tRNS", new byte[] {0, 7}));
        assertNull(GreyPng.decode(transparent, MAX_PIXELS), "tRNS");
        assertArrayEquals(viaImageIo(transparent), viaDecoder(transparent), "tRNS");

        byte[] good = greyPng(pixels, new int[] {2}, null);
        byte[] badCrc = good.clone();
        badCrc[8 + 8 + 13] ^= 1; // the IHDR's CRC
        assertNull(GreyPng.decode(badCrc, MAX_PIXELS), "CRC");
        assertNull(GreyPng.decode(good, 12 * 7 - 1), "over the pixel limit");
        assertEquals(12 * 7, GreyPng.decode(good, 12 * 7).data().length);
    }

    /** The header ImageIO's PNG reader gives, as {@link ImageDecoder#inspect} reports it from a reader. */
    private static ImageHeader viaImageIoReader(byte[] png) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            ImageReader reader = ImageIO.getImageReaders(in).next();
            try {
                reader.setInput(in);
                return RasterCost.header(reader, "PNG", reader.getWidth(0), reader.getHeight(0));
            } finally {
                reader.dispose();
            }
        }
    }

    @Test
    void theHeaderOfAGreyPngIsReadFromItsChunksAsImageIoReadsIt() throws IOException {
        SplittableRandom random = new SplittableRandom(11);
        byte[] png = greyPng(randomPixels(random, 29, 13), new int[] {4}, null);
        ImageHeader fast = GreyPng.header(png);
        assertEquals(viaImageIoReader(png), fast);
        assertEquals(fast, new ImageDecoder().inspect(png, "mask.png"));

        ImageDecodeException over = assertThrows(
                ImageDecodeException.class,
                () -> new ImageDecoder(DecodeLimits.ofMaxPixels(29 * 13 - 1)).inspect(png, "mask.png"));
        assertTrue(over.getMessage().contains("mask.png") && over.getMessage().contains("29x13"), over.getMessage());

        byte[] transparent = greyPng(randomPixels(random, 12, 7), new int[] {1}, chunk("tRNS", new byte[] {0, 7}));
        assertNull(GreyPng.header(transparent), "tRNS: ImageIO reads it");
        assertEquals(viaImageIoReader(transparent), new ImageDecoder().inspect(transparent, "t.png"));
        BufferedImage rgb = new BufferedImage(5, 3, BufferedImage.TYPE_3BYTE_BGR);
        assertNull(GreyPng.header(Encoded.of(rgb, "png")), "RGB");
        assertNull(GreyPng.header(Arrays.copyOf(png, png.length - 12)), "no IEND");
    }

    private static byte[] interlacedPng(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
