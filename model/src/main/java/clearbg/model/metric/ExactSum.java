package clearbg.model.metric;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Arrays;

/**
 * An exact running sum of doubles: the value is kept as a list of non-overlapping partial sums (Shewchuk's
 * "grow expansion", as Python's {@code math.fsum}), and {@link #value()} is the exact sum rounded once. Adding and
 * merging are therefore associative and commutative bit for bit: any order, any partition into merged pieces,
 * gives the same {@link #value()}. Non-finite terms (NaN, infinities) are kept apart and added at the end, so a
 * NaN term makes the value NaN as in NumPy. Finite partials must not overflow (|sum| &lt; ~1e308).
 * Mutable and not synchronised: owned by one {@link SodAccumulator}.
 */
final class ExactSum implements Serializable {

    private static final long serialVersionUID = 1L;

    private double[] partials = new double[4];
    private int count;
    private double nonFinite;

    void add(double x) {
        if (!Double.isFinite(x)) {
            nonFinite += x;
            return;
        }
        int kept = 0;
        for (int j = 0; j < count; j++) {
            double y = partials[j];
            if (Math.abs(x) < Math.abs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            double hi = x + y;
            double lo = y - (hi - x);
            if (lo != 0.0) {
                partials[kept++] = lo;
            }
            x = hi;
        }
        if (kept == partials.length) {
            partials = Arrays.copyOf(partials, 2 * kept);
        }
        partials[kept++] = x;
        count = kept;
    }

    void addAll(ExactSum other) {
        for (int j = 0; j < other.count; j++) {
            add(other.partials[j]);
        }
        nonFinite += other.nonFinite;
    }

    /** The exact sum of every finite term, correctly rounded, plus the non-finite terms. */
    double value() {
        BigDecimal exact = BigDecimal.ZERO;
        for (int j = 0; j < count; j++) {
            exact = exact.add(new BigDecimal(partials[j]));
        }
        return exact.doubleValue() + nonFinite;
    }
}
