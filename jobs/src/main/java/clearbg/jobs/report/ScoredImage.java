package clearbg.jobs.report;

import clearbg.model.metric.ImageStats;
import java.io.Serializable;

/**
 * One evaluated image: its name (the pairing key) and statistics.
 *
 * @param name the relative path without extension that paired prediction and ground truth
 * @param stats the per-image statistics
 */
public record ScoredImage(String name, ImageStats stats) implements Serializable {

    /** The image's own maximum F-measure over the 256 thresholds. */
    public double maxF() {
        double best = 0;
        for (double f : stats.fMeasureCurve()) {
            best = Math.max(best, f);
        }
        return best;
    }
}
