package clearbg.model.metric;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What the DIS metrics need from one image, small and immutable: its HCE, the counts behind the IoU and Dice
 * families of PySODMetrics' {@code FmeasureV2} (dynamic, adaptive, binary) and its relaxed boundary F. The
 * companion of {@link ImageStats} (which carries the SOD metrics); merge these with a {@link DisAccumulator}.
 *
 * @param pixels                 number of pixels N
 * @param foreground             ground-truth foreground pixels {@code |g|}, g = gt &gt; 128
 * @param foregroundHistogram    256 bins: foreground pixels whose {@code trunc(255 p)} equals the bin index
 *                               (p the min-max normalised prediction, see {@link PreparedPair})
 * @param backgroundHistogram    the same over background pixels
 * @param adaptiveTruePositives  foreground pixels with {@code p >= min(2 mean(p), 1)}
 * @param adaptivePositives      all pixels with {@code p >= min(2 mean(p), 1)}
 * @param binaryTruePositives    foreground pixels with {@code p > 0.5}
 * @param binaryPositives        all pixels with {@code p > 0.5}
 * @param hce                    {@link HumanCorrectionEffort} (relax 5, epsilon 2)
 * @param relaxedBoundary        {@link RelaxedBoundaryF} (rho 3)
 */
public record DisStats(
        long pixels,
        long foreground,
        int[] foregroundHistogram,
        int[] backgroundHistogram,
        long adaptiveTruePositives,
        long adaptivePositives,
        long binaryTruePositives,
        long binaryPositives,
        int hce,
        RelaxedBoundaryF relaxedBoundary)
        implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final int LEVELS = ImageStats.LEVELS;

    public DisStats {
        if (foregroundHistogram.length != LEVELS || backgroundHistogram.length != LEVELS) {
            throw new IllegalArgumentException("histograms must have " + LEVELS + " bins");
        }
        foregroundHistogram = foregroundHistogram.clone();
        backgroundHistogram = backgroundHistogram.clone();
    }

    /**
     * Reduces one prediction / ground-truth pair (8-bit maps of the same size; resize the prediction with
     * {@link PredictionResizer} first when they differ, as {@link PairScorer} does) to its DIS statistics.
     */
    public static DisStats of(GreyImage prediction, GreyImage groundTruth) {
        return of(PreparedPair.of(prediction, groundTruth), prediction, groundTruth);
    }

    /** The same from a pair already prepared from {@code prediction} and {@code groundTruth}. */
    static DisStats of(PreparedPair pair, GreyImage prediction, GreyImage groundTruth) {
        int[] fgHist = new int[LEVELS];
        int[] bgHist = new int[LEVELS];
        double threshold = Math.min(2 * pair.meanPrediction(), 1);
        long adaptiveTp = 0;
        long adaptivePositives = 0;
        long binaryTp = 0;
        long binaryPositives = 0;
        for (int i = 0; i < pair.size(); i++) {
            double p = pair.pred[i];
            int level = (int) (p * 255);
            boolean adaptive = p >= threshold;
            boolean binary = p > 0.5;
            if (pair.gt[i]) {
                fgHist[level]++;
                adaptiveTp += adaptive ? 1 : 0;
                binaryTp += binary ? 1 : 0;
            } else {
                bgHist[level]++;
            }
            adaptivePositives += adaptive ? 1 : 0;
            binaryPositives += binary ? 1 : 0;
        }
        return new DisStats(
                pair.size(),
                pair.foreground,
                fgHist,
                bgHist,
                adaptiveTp,
                adaptivePositives,
                binaryTp,
                binaryPositives,
                HumanCorrectionEffort.of(pair),
                RelaxedBoundaryF.of(prediction, groundTruth));
    }

    @Override
    public int[] foregroundHistogram() {
        return foregroundHistogram.clone();
    }

    @Override
    public int[] backgroundHistogram() {
        return backgroundHistogram.clone();
    }

    /** IoU at each of the 256 thresholds; point i selects {@code trunc(255 p) >= 255 - i} (PySODMetrics' order). */
    public double[] iouCurve() {
        return curve(true);
    }

    /** Dice at each of the 256 thresholds, in the order of {@link #iouCurve()}. */
    public double[] diceCurve() {
        return curve(false);
    }

    public double adaptiveIou() {
        return IouDice.iou(adaptiveTruePositives, adaptivePositives, foreground);
    }

    public double adaptiveDice() {
        return IouDice.dice(adaptiveTruePositives, adaptivePositives, foreground);
    }

    public double binaryIou() {
        return IouDice.iou(binaryTruePositives, binaryPositives, foreground);
    }

    public double binaryDice() {
        return IouDice.dice(binaryTruePositives, binaryPositives, foreground);
    }

    private double[] curve(boolean iou) {
        double[] out = new double[LEVELS];
        long tp = 0;
        long positives = 0;
        for (int i = 0; i < LEVELS; i++) {
            tp += foregroundHistogram[LEVELS - 1 - i];
            positives += foregroundHistogram[LEVELS - 1 - i] + backgroundHistogram[LEVELS - 1 - i];
            out[i] = iou ? IouDice.iou(tp, positives, foreground) : IouDice.dice(tp, positives, foreground);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DisStats s
                && s.pixels == pixels
                && s.foreground == foreground
                && Arrays.equals(s.foregroundHistogram, foregroundHistogram)
                && Arrays.equals(s.backgroundHistogram, backgroundHistogram)
                && s.adaptiveTruePositives == adaptiveTruePositives
                && s.adaptivePositives == adaptivePositives
                && s.binaryTruePositives == binaryTruePositives
                && s.binaryPositives == binaryPositives
                && s.hce == hce
                && s.relaxedBoundary.equals(relaxedBoundary);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {
            pixels,
            foreground,
            Arrays.hashCode(foregroundHistogram),
            Arrays.hashCode(backgroundHistogram),
            adaptiveTruePositives,
            adaptivePositives,
            binaryTruePositives,
            binaryPositives,
            hce,
            relaxedBoundary
        });
    }

    @Override
    public String toString() {
        return "DisStats[pixels=" + pixels + ", foreground=" + foreground + ", hce=" + hce + ", binaryIou="
                + binaryIou() + ", binaryDice=" + binaryDice() + ", relaxedBoundary=" + relaxedBoundary + "]";
    }
}
