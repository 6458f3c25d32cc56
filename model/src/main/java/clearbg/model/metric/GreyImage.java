package clearbg.model.metric;

import java.util.Arrays;

/**
 * An immutable 8-bit grey image, row-major: pixel (x, y) is {@code pixels[y * width + x]} read as unsigned.
 *
 * @param width  number of columns, at least 1
 * @param height number of rows, at least 1
 * @param pixels {@code width * height} bytes, each an unsigned value 0..255 (copied on construction and access)
 */
public record GreyImage(int width, int height, byte[] pixels) {

    public GreyImage {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image must be at least 1x1, got " + width + "x" + height);
        }
        if (pixels.length != Math.multiplyExact(width, height)) {
            throw new IllegalArgumentException("expected " + width * height + " pixels, got " + pixels.length);
        }
        pixels = pixels.clone();
    }

    /** Builds an image from int values, each of which must lie in 0..255. */
    public static GreyImage ofInts(int width, int height, int[] values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 || values[i] > 255) {
                throw new IllegalArgumentException("pixel " + i + " is " + values[i] + ", not in 0..255");
            }
            bytes[i] = (byte) values[i];
        }
        return new GreyImage(width, height, bytes);
    }

    /** The unsigned value 0..255 at row-major index {@code i}. */
    public int value(int i) {
        return pixels[i] & 0xFF;
    }

    /** The unsigned value 0..255 at column {@code x}, row {@code y}. */
    public int value(int x, int y) {
        return pixels[y * width + x] & 0xFF;
    }

    public int size() {
        return pixels.length;
    }

    @Override
    public byte[] pixels() {
        return pixels.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GreyImage g && g.width == width && g.height == height && Arrays.equals(g.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "GreyImage[" + width + "x" + height + "]";
    }
}
