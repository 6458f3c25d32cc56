package clearbg.jobs.report;

import clearbg.model.metric.DisStats;
import clearbg.model.metric.ImageStats;
import java.io.Serializable;

/**
 * The scalars of one evaluated image, small enough to collect on a driver for thousands of images.
 *
 * @param dataset the data set the image belongs to
 * @param name the pairing key (relative path without extension)
 * @param mae mean absolute error
 * @param maxF the image's own maximum F over the 256 thresholds (beta^2 0.3)
 * @param adaptiveF F at the adaptive threshold
 * @param weightedF weighted F-measure
 * @param sMeasure S-measure
 * @param adaptiveE E-measure at the adaptive threshold
 * @param dis the image's DIS scalars, or null when they were not computed
 */
public record PerImageRow(
        String dataset,
        String name,
        double mae,
        double maxF,
        double adaptiveF,
        double weightedF,
        double sMeasure,
        double adaptiveE,
        Dis dis)
        implements Serializable {

    /**
     * The DIS scalars of one image.
     *
     * @param hce human correction efforts (relax 5, epsilon 2)
     * @param adaptiveIou IoU at the adaptive threshold
     * @param binaryIou IoU at p &gt; 0.5
     * @param adaptiveDice Dice at the adaptive threshold
     * @param binaryDice Dice at p &gt; 0.5
     * @param relaxFb relaxed boundary F (rho 3)
     */
    public record Dis(
            int hce, double adaptiveIou, double binaryIou, double adaptiveDice, double binaryDice, double relaxFb)
            implements Serializable {

        /** The scalars of one image's DIS statistics. */
        public static Dis of(DisStats stats) {
            return new Dis(
                    stats.hce(),
                    stats.adaptiveIou(),
                    stats.binaryIou(),
                    stats.adaptiveDice(),
                    stats.binaryDice(),
                    stats.relaxedBoundary().fMeasure());
        }
    }

    /** The row of one image's statistics. */
    public static PerImageRow of(String dataset, String name, ImageStats stats) {
        return of(dataset, name, stats, null);
    }

    /** The row of one image's statistics and, when not null, its DIS statistics. */
    public static PerImageRow of(String dataset, String name, ImageStats stats, DisStats dis) {
        double maxF = 0;
        for (double f : stats.fMeasureCurve()) {
            maxF = Math.max(maxF, f);
        }
        return new PerImageRow(
                dataset,
                name,
                stats.mae(),
                maxF,
                stats.adaptiveF(),
                stats.weightedF(),
                stats.sMeasure(),
                stats.adaptiveE(),
                dis == null ? null : Dis.of(dis));
    }
}
