package clearbg.model.predict;

/**
 * An 8-bit grey mask: 0 is background, 255 is the salient object.
 *
 * @param width columns
 * @param height rows
 * @param values row-major, {@code width * height} unsigned bytes
 */
public record MaskImage(int width, int height, byte[] values) {

    public MaskImage {
        if (width <= 0 || height <= 0 || values.length != width * height) {
            throw new IllegalArgumentException("mask of " + width + "x" + height + " needs " + (long) width * height
                    + " values, got " + values.length);
        }
    }

    /** The value at {@code (x, y)} as 0..255. */
    public int get(int x, int y) {
        return values[y * width + x] & 0xff;
    }
}
