package clearbg.model.metric;

import java.io.Serializable;

/**
 * Data-set accumulator of the DIS metrics ({@link DisStats}): the exact sum of the per-image HCE (a long) and exact
 * sums ({@link ExactSum}) of every per-image scalar and of every point of the per-image IoU and Dice curves. Like
 * {@link SodAccumulator}: mutable, Serializable, usable as Spark's {@code aggregate(zero, seqOp, combOp)} with
 * {@code seqOp = DisAccumulator::add} and {@code combOp = DisAccumulator::merge}; adding images in any order and
 * merging any partition of them gives bit-identical {@link #result()}s. Methods are synchronised; {@link #merge}
 * snapshots the other accumulator first and never holds two locks.
 */
public final class DisAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int LEVELS = ImageStats.LEVELS;

    private long images;
    private long hce;
    private final ExactSum adaptiveIou = new ExactSum();
    private final ExactSum adaptiveDice = new ExactSum();
    private final ExactSum binaryIou = new ExactSum();
    private final ExactSum binaryDice = new ExactSum();
    private final ExactSum relaxedPrecision = new ExactSum();
    private final ExactSum relaxedRecall = new ExactSum();
    private final ExactSum relaxedF = new ExactSum();
    private final ExactSum[] iou = sums();
    private final ExactSum[] dice = sums();

    private static ExactSum[] sums() {
        ExactSum[] s = new ExactSum[LEVELS];
        for (int i = 0; i < LEVELS; i++) {
            s[i] = new ExactSum();
        }
        return s;
    }

    /** Adds one image; returns this accumulator. */
    public synchronized DisAccumulator add(DisStats image) {
        images++;
        hce += image.hce();
        adaptiveIou.add(image.adaptiveIou());
        adaptiveDice.add(image.adaptiveDice());
        binaryIou.add(image.binaryIou());
        binaryDice.add(image.binaryDice());
        relaxedPrecision.add(image.relaxedBoundary().precision());
        relaxedRecall.add(image.relaxedBoundary().recall());
        relaxedF.add(image.relaxedBoundary().fMeasure());
        double[] iouCurve = image.iouCurve();
        double[] diceCurve = image.diceCurve();
        for (int i = 0; i < LEVELS; i++) {
            iou[i].add(iouCurve[i]);
            dice[i].add(diceCurve[i]);
        }
        return this;
    }

    /** Adds every image of {@code other} (left unchanged); returns this accumulator. */
    public DisAccumulator merge(DisAccumulator other) {
        DisAccumulator snapshot = other.copy();
        synchronized (this) {
            addAll(snapshot, this);
        }
        return this;
    }

    /** An independent copy. */
    public synchronized DisAccumulator copy() {
        DisAccumulator c = new DisAccumulator();
        addAll(this, c);
        return c;
    }

    private static void addAll(DisAccumulator from, DisAccumulator to) {
        to.images += from.images;
        to.hce += from.hce;
        to.adaptiveIou.addAll(from.adaptiveIou);
        to.adaptiveDice.addAll(from.adaptiveDice);
        to.binaryIou.addAll(from.binaryIou);
        to.binaryDice.addAll(from.binaryDice);
        to.relaxedPrecision.addAll(from.relaxedPrecision);
        to.relaxedRecall.addAll(from.relaxedRecall);
        to.relaxedF.addAll(from.relaxedF);
        for (int i = 0; i < LEVELS; i++) {
            to.iou[i].addAll(from.iou[i]);
            to.dice[i].addAll(from.dice[i]);
        }
    }

    public synchronized long images() {
        return images;
    }

    /** The data-set DIS metrics of everything added so far (see {@link DisResult}). */
    public synchronized DisResult result() {
        double[] iouCurve = means(iou);
        double[] diceCurve = means(dice);
        return new DisResult(
                images,
                (double) hce / images,
                max(iouCurve),
                PairwiseSum.sum(iouCurve) / LEVELS,
                mean(adaptiveIou),
                mean(binaryIou),
                max(diceCurve),
                PairwiseSum.sum(diceCurve) / LEVELS,
                mean(adaptiveDice),
                mean(binaryDice),
                mean(relaxedF),
                mean(relaxedPrecision),
                mean(relaxedRecall),
                iouCurve,
                diceCurve);
    }

    private double mean(ExactSum sum) {
        return sum.value() / images;
    }

    private double[] means(ExactSum[] sums) {
        double[] out = new double[LEVELS];
        for (int i = 0; i < LEVELS; i++) {
            out[i] = mean(sums[i]);
        }
        return out;
    }

    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
