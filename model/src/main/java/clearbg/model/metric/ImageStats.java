package clearbg.model.metric;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Everything the data-set metrics need from one image, small and immutable: per-image scalars, the quantised
 * prediction's histograms over ground-truth foreground and background, and the counts at the adaptive threshold.
 * Curves and adaptive scores are derived from these (see {@link FMeasureCurves}, {@link EMeasureCurves}).
 *
 * @param pixels                 number of pixels N
 * @param foreground             ground-truth foreground pixels {@code |g|}, g = gt &gt; 128
 * @param foregroundHistogram    256 bins: foreground pixels whose {@code trunc(255 p)} equals the bin index
 * @param backgroundHistogram    256 bins: the same over background pixels
 * @param adaptiveTruePositives  foreground pixels with {@code p >= min(2 mean(p), 1)}
 * @param adaptivePositives      all pixels with {@code p >= min(2 mean(p), 1)}
 * @param mae                    {@link Mae}
 * @param sMeasure               {@link SMeasure} (NaN where the reference gives NaN)
 * @param weightedF              {@link WeightedFMeasure}
 */
public record ImageStats(
        long pixels,
        long foreground,
        int[] foregroundHistogram,
        int[] backgroundHistogram,
        long adaptiveTruePositives,
        long adaptivePositives,
        double mae,
        double sMeasure,
        double weightedF)
        implements Serializable {

    /** Number of thresholds, and of points on every curve. */
    public static final int LEVELS = 256;

    public ImageStats {
        if (foregroundHistogram.length != LEVELS || backgroundHistogram.length != LEVELS) {
            throw new IllegalArgumentException("histograms must have " + LEVELS + " bins");
        }
        foregroundHistogram = foregroundHistogram.clone();
        backgroundHistogram = backgroundHistogram.clone();
    }

    /**
     * Reduces one prediction / ground-truth pair (same size) to its statistics.
     * The prediction is min-max normalised and the ground truth binarised as in {@link PreparedPair}.
     */
    public static ImageStats of(GreyImage prediction, GreyImage groundTruth) {
        return of(PreparedPair.of(prediction, groundTruth));
    }

    static ImageStats of(PreparedPair pair) {
        int[] fgHist = new int[LEVELS];
        int[] bgHist = new int[LEVELS];
        double threshold = Math.min(2 * pair.meanPrediction(), 1);
        long adaptiveTp = 0;
        long adaptivePositives = 0;
        for (int i = 0; i < pair.size(); i++) {
            int level = (int) (pair.pred[i] * 255);
            boolean selected = pair.pred[i] >= threshold;
            if (pair.gt[i]) {
                fgHist[level]++;
                if (selected) {
                    adaptiveTp++;
                }
            } else {
                bgHist[level]++;
            }
            if (selected) {
                adaptivePositives++;
            }
        }
        return new ImageStats(
                pair.size(),
                pair.foreground,
                fgHist,
                bgHist,
                adaptiveTp,
                adaptivePositives,
                Mae.of(pair),
                SMeasure.of(pair),
                WeightedFMeasure.of(pair));
    }

    @Override
    public int[] foregroundHistogram() {
        return foregroundHistogram.clone();
    }

    @Override
    public int[] backgroundHistogram() {
        return backgroundHistogram.clone();
    }

    /** Curve point i: foreground pixels with {@code trunc(255 p) >= 255 - i}. */
    long[] truePositives() {
        return countFromTop(foregroundHistogram);
    }

    /** Curve point i: background pixels with {@code trunc(255 p) >= 255 - i}. */
    long[] falsePositives() {
        return countFromTop(backgroundHistogram);
    }

    private static long[] countFromTop(int[] histogram) {
        long[] out = new long[LEVELS];
        long running = 0;
        for (int i = 0; i < LEVELS; i++) {
            running += histogram[LEVELS - 1 - i];
            out[i] = running;
        }
        return out;
    }

    /** This image's precision curve (PySODMetrics order, see {@link FMeasureCurves}). */
    public double[] precisionCurve() {
        long[] tp = truePositives();
        long[] fp = falsePositives();
        long[] positives = new long[LEVELS];
        for (int i = 0; i < LEVELS; i++) {
            positives[i] = tp[i] + fp[i];
        }
        return FMeasureCurves.precision(tp, positives);
    }

    public double[] recallCurve() {
        return FMeasureCurves.recall(truePositives(), foreground);
    }

    public double[] fMeasureCurve() {
        return FMeasureCurves.fMeasure(precisionCurve(), recallCurve());
    }

    public double[] eMeasureCurve() {
        return EMeasureCurves.curve(truePositives(), falsePositives(), foreground, pixels);
    }

    public double adaptiveF() {
        return FMeasureCurves.adaptive(adaptiveTruePositives, adaptivePositives, foreground);
    }

    public double adaptiveE() {
        return EMeasureCurves.of(adaptiveTruePositives, adaptivePositives - adaptiveTruePositives, foreground, pixels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageStats s
                && s.pixels == pixels
                && s.foreground == foreground
                && Arrays.equals(s.foregroundHistogram, foregroundHistogram)
                && Arrays.equals(s.backgroundHistogram, backgroundHistogram)
                && s.adaptiveTruePositives == adaptiveTruePositives
                && s.adaptivePositives == adaptivePositives
                && Double.compare(s.mae, mae) == 0
                && Double.compare(s.sMeasure, sMeasure) == 0
                && Double.compare(s.weightedF, weightedF) == 0;
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
            mae,
            sMeasure,
            weightedF
        });
    }

    @Override
    public String toString() {
        return "ImageStats[pixels=" + pixels + ", foreground=" + foreground + ", mae=" + mae + ", sMeasure="
                + sMeasure + ", weightedF=" + weightedF + ", adaptiveF=" + adaptiveF() + ", adaptiveE="
                + adaptiveE() + "]";
    }
}
