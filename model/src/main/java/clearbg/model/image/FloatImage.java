package clearbg.model.image;

import java.util.Objects;

/**
 * A decoded image or map as plain floats: {@code height} rows of {@code width} pixels of {@code channels}
 * samples, stored row-major and channel-interleaved (HWC): sample {@code (x, y, c)} is at
 * {@code (y * width + x) * channels + c}.
 *
 * <p>Channels are 1 (grey, a mask, a saliency map) or 3 (RGB). The class does not impose a value range;
 * the convention of this package is: images from {@link ImageDecoder} hold 0..255 (fractional values
 * occur for 16-bit sources), masks from {@link MaskDecoder} hold 0..255, and maps produced by the
 * transforms hold whatever their Javadoc states.
 *
 * <p>The data array is shared, not copied, in both directions ({@link #of} and {@link #data()}), so that
 * large images are not duplicated on executors. Treat it as read-only once it is wrapped.
 */
public final class FloatImage {

    private final int width;
    private final int height;
    private final int channels;
    private final float[] data;

    private FloatImage(int width, int height, int channels, float[] data) {
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.data = data;
    }

    /**
     * Wraps {@code data} (HWC, length {@code width * height * channels}) without copying it.
     *
     * @throws IllegalArgumentException if a dimension is not positive, channels is not 1 or 3, or the
     *     length does not match
     */
    public static FloatImage of(int width, int height, int channels, float[] data) {
        Objects.requireNonNull(data, "data");
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        }
        long expected = (long) width * height * channels;
        if (data.length != expected) {
            throw new IllegalArgumentException(
                    "data length " + data.length + " != " + width + "x" + height + "x" + channels + " = " + expected);
        }
        return new FloatImage(width, height, channels, data);
    }

    /** A new all-zero image. */
    public static FloatImage zeros(int width, int height, int channels) {
        long n = (long) width * height * channels;
        if (width <= 0 || height <= 0 || n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("unsupported size " + width + "x" + height + "x" + channels);
        }
        return of(width, height, channels, new float[(int) n]);
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public int channels() {
        return channels;
    }

    /** The backing HWC array itself (not a copy): read-only by contract. */
    public float[] data() {
        return data;
    }

    /** Sample of channel {@code c} at column {@code x}, row {@code y}. */
    public float get(int x, int y, int c) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        Objects.checkIndex(c, channels);
        return data[(y * width + x) * channels + c];
    }

    /** The largest sample over all pixels and channels. */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : data) {
            m = Math.max(m, v);
        }
        return m;
    }

    @Override
    public String toString() {
        return "FloatImage[" + width + "x" + height + "x" + channels + "]";
    }
}
