package clearbg.model.transform;

import clearbg.model.image.FloatImage;
import java.util.random.RandomGenerator;

/**
 * Mirror flips of image and label together.
 */
public final class Flip {

    private Flip() {}

    /** Columns reversed: {@code out(x, y) = in(w - 1 - x, y)}. */
    public static Sample horizontal(Sample s) {
        return new Sample(horizontal(s.image()), horizontal(s.label()));
    }

    /** Rows reversed: {@code out(x, y) = in(x, h - 1 - y)}, numpy's {@code a[::-1]}. */
    public static Sample vertical(Sample s) {
        return new Sample(vertical(s.image()), vertical(s.label()));
    }

    /**
     * Applies the flips enabled by {@code mode}, each when {@code rng.nextDouble() >= 0.5} (the original's
     * {@code random.random() >= 0.5}). Draw order: horizontal first, then vertical; a disabled flip draws
     * nothing.
     */
    public static Sample random(Sample s, FlipMode mode, RandomGenerator rng) {
        Sample out = s;
        if (mode.horizontal() && rng.nextDouble() >= 0.5) {
            out = horizontal(out);
        }
        if (mode.vertical() && rng.nextDouble() >= 0.5) {
            out = vertical(out);
        }
        return out;
    }

    static FloatImage horizontal(FloatImage in) {
        int w = in.width();
        int ch = in.channels();
        float[] src = in.data();
        float[] out = new float[src.length];
        for (int y = 0; y < in.height(); y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, (y * w + x) * ch, out, (y * w + (w - 1 - x)) * ch, ch);
            }
        }
        return FloatImage.of(w, in.height(), ch, out);
    }

    static FloatImage vertical(FloatImage in) {
        int rowLength = in.width() * in.channels();
        float[] src = in.data();
        float[] out = new float[src.length];
        int h = in.height();
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, y * rowLength, out, (h - 1 - y) * rowLength, rowLength);
        }
        return FloatImage.of(in.width(), h, in.channels(), out);
    }
}
