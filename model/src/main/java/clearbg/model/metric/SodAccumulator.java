package clearbg.model.metric;

import java.io.Serializable;

/**
 * Data-set accumulator: exact sums over images of every per-image scalar and of every point of every per-image
 * curve. A mutable accumulator, chosen so that Spark's {@code aggregate(zero, seqOp, combOp)} can reuse it without
 * copying ({@code seqOp = SodAccumulator::add}, {@code combOp = SodAccumulator::merge}); it is Serializable.
 *
 * <p>Because each sum is exact ({@link ExactSum}) and rounded only in {@link #result()}, adding images in any order
 * and merging any partition of them gives bit-identical results. Methods are synchronised, so one instance may be
 * shared between threads; {@link #merge} snapshots the other accumulator first and never holds two locks.
 */
public final class SodAccumulator implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int LEVELS = ImageStats.LEVELS;

    private long images;
    private final ExactSum mae = new ExactSum();
    private final ExactSum sMeasure = new ExactSum();
    private final ExactSum weightedF = new ExactSum();
    private final ExactSum adaptiveF = new ExactSum();
    private final ExactSum adaptiveE = new ExactSum();
    private final ExactSum[] precision = sums();
    private final ExactSum[] recall = sums();
    private final ExactSum[] fMeasure = sums();
    private final ExactSum[] eMeasure = sums();

    private static ExactSum[] sums() {
        ExactSum[] s = new ExactSum[LEVELS];
        for (int i = 0; i < LEVELS; i++) {
            s[i] = new ExactSum();
        }
        return s;
    }

    /** Adds one image; returns this accumulator. */
    public synchronized SodAccumulator add(ImageStats image) {
        images++;
        mae.add(image.mae());
        sMeasure.add(image.sMeasure());
        weightedF.add(image.weightedF());
        adaptiveF.add(image.adaptiveF());
        adaptiveE.add(image.adaptiveE());
        double[] p = image.precisionCurve();
        double[] r = image.recallCurve();
        double[] f = FMeasureCurves.fMeasure(p, r);
        double[] e = image.eMeasureCurve();
        for (int i = 0; i < LEVELS; i++) {
            precision[i].add(p[i]);
            recall[i].add(r[i]);
            fMeasure[i].add(f[i]);
            eMeasure[i].add(e[i]);
        }
        return this;
    }

    /** Adds every image of {@code other} (left unchanged); returns this accumulator. */
    public SodAccumulator merge(SodAccumulator other) {
        SodAccumulator snapshot = other.copy();
        synchronized (this) {
            images += snapshot.images;
            mae.addAll(snapshot.mae);
            sMeasure.addAll(snapshot.sMeasure);
            weightedF.addAll(snapshot.weightedF);
            adaptiveF.addAll(snapshot.adaptiveF);
            adaptiveE.addAll(snapshot.adaptiveE);
            for (int i = 0; i < LEVELS; i++) {
                precision[i].addAll(snapshot.precision[i]);
                recall[i].addAll(snapshot.recall[i]);
                fMeasure[i].addAll(snapshot.fMeasure[i]);
                eMeasure[i].addAll(snapshot.eMeasure[i]);
            }
        }
        return this;
    }

    /** An independent copy. */
    public synchronized SodAccumulator copy() {
        SodAccumulator c = new SodAccumulator();
        c.images = images;
        c.mae.addAll(mae);
        c.sMeasure.addAll(sMeasure);
        c.weightedF.addAll(weightedF);
        c.adaptiveF.addAll(adaptiveF);
        c.adaptiveE.addAll(adaptiveE);
        for (int i = 0; i < LEVELS; i++) {
            c.precision[i].addAll(precision[i]);
            c.recall[i].addAll(recall[i]);
            c.fMeasure[i].addAll(fMeasure[i]);
            c.eMeasure[i].addAll(eMeasure[i]);
        }
        return c;
    }

    public synchronized long images() {
        return images;
    }

    /** The data-set metrics of everything added so far (see {@link SodResult} for the conventions). */
    public synchronized SodResult result() {
        double[] p = means(precision);
        double[] r = means(recall);
        double[] f = means(fMeasure);
        double[] e = means(eMeasure);
        return new SodResult(
                images,
                mean(mae),
                mean(sMeasure),
                mean(weightedF),
                max(f),
                PairwiseSum.sum(f) / LEVELS,
                mean(adaptiveF),
                max(e),
                PairwiseSum.sum(e) / LEVELS,
                mean(adaptiveE),
                p,
                r,
                f,
                e);
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

    /** Maximum, NaN if any element is NaN (as {@code np.max}). */
    private static double max(double[] values) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
