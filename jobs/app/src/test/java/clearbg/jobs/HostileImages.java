package clearbg.jobs;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import javax.imageio.ImageIO;

/** Inputs a nightly job must survive, made at test time: a decompression bomb, a large file, a truncated JPEG. */
final class HostileImages {

    private HostileImages() {}

    /**
     * A real PNG of {@code width x height} 16-bit RGBA pixels, all zero: under 1 MB on disk for 9999 x 10000,
     * 800 MB as a raster once decoded. Every byte of it is valid PNG.
     */
    static byte[] bombPng(int width, int height) throws IOException {
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        byte[] row = new byte[1 + width * 8];
        try (DeflaterOutputStream deflate =
                new DeflaterOutputStream(idat, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
            for (int y = 0; y < height; y++) {
                deflate.write(row);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream ihdr = new DataOutputStream(header);
        ihdr.writeInt(width);
        ihdr.writeInt(height);
        ihdr.write(new byte[] {16, 6, 0, 0, 0}); // 16-bit, RGBA, deflate, no filter method extras, not interlaced
        chunk(png, "IHDR", header.toByteArray());
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream png, String type, byte[] data) throws IOException {
        DataOutputStream out = new DataOutputStream(png);
        out.writeInt(data.length);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.write(name);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    /** A photo-like RGB image: a coloured background and a yellow ellipse. */
    static BufferedImage photo(int width, int height, int seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(20 + seed % 200, 80, 140));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.YELLOW);
        g.fillOval(width / 5, height / 5, width / 2, height / 2);
        g.dispose();
        return image;
    }

    /** The mask of {@link #photo}: the ellipse white on black. */
    static BufferedImage mask(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillOval(width / 5, height / 5, width / 2, height / 2);
        g.dispose();
        return image;
    }

    /** A PNG of random noise, which does not compress: about {@code 3 * width * height} bytes. */
    static byte[] noisePng(int width, int height, long seed) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return encode(image, "png");
    }

    /** The first half of a JPEG of a photo. */
    static byte[] truncatedJpeg() throws IOException {
        byte[] jpeg = encode(photo(64, 64, 1), "jpg");
        return Arrays.copyOf(jpeg, jpeg.length / 2);
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, format, bytes);
        return bytes.toByteArray();
    }
}
