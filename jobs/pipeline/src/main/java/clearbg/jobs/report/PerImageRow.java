package clearbg.jobs.report;

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
 */
public record PerImageRow(
        String dataset,
        String name,
        double mae,
        double maxF,
        double adaptiveF,
        double weightedF,
        double sMeasure,
        double adaptiveE)
        implements Serializable {

    /** The row of one image's statistics. */
    public static PerImageRow of(String dataset, String name, ImageStats stats) {
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
                stats.adaptiveE());
    }
}
