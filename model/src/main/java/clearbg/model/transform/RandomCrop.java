package clearbg.model.transform;

import clearbg.model.image.FloatImage;
import java.util.random.RandomGenerator;

/**
 * U²-Net's {@code RandomCrop}: a {@code size x size} window of image and label at the same position.
 *
 * <p>As the original ({@code np.random.randint(0, h - size)}, whose upper bound is exclusive), the top is
 * uniform in {@code [0, h - size - 1]} and the left uniform in {@code [0, w - size - 1]}: the last row and
 * column offsets are never chosen. Top is drawn before left. Where the original raises (an axis exactly
 * {@code size} long) the offset is 0 and nothing is drawn for that axis; a side shorter than {@code size}
 * is an error. The random stream is that of the given generator, not numpy's.
 */
public record RandomCrop(int size) {

    public RandomCrop {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
    }

    public Sample apply(Sample s, RandomGenerator rng) {
        if (s.width() < size || s.height() < size) {
            throw new IllegalArgumentException(
                    "cannot crop " + size + "x" + size + " from " + s.width() + "x" + s.height());
        }
        int top = offset(s.height(), rng);
        int left = offset(s.width(), rng);
        return crop(s, left, top);
    }

    /** The fixed window with top-left corner {@code (left, top)}. */
    public Sample crop(Sample s, int left, int top) {
        return new Sample(crop(s.image(), left, top), crop(s.label(), left, top));
    }

    private int offset(int length, RandomGenerator rng) {
        return length == size ? 0 : rng.nextInt(length - size);
    }

    private FloatImage crop(FloatImage in, int left, int top) {
        if (left < 0 || top < 0 || left + size > in.width() || top + size > in.height()) {
            throw new IllegalArgumentException("window at (" + left + "," + top + ") of size " + size + " exceeds "
                    + in.width() + "x" + in.height());
        }
        int ch = in.channels();
        int rowLength = size * ch;
        float[] src = in.data();
        float[] out = new float[size * rowLength];
        for (int y = 0; y < size; y++) {
            System.arraycopy(src, ((top + y) * in.width() + left) * ch, out, y * rowLength, rowLength);
        }
        return FloatImage.of(size, size, ch, out);
    }
}
