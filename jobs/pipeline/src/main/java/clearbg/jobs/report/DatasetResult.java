package clearbg.jobs.report;

import clearbg.model.metric.DisResult;
import clearbg.model.metric.SodResult;

/**
 * The metrics of one data set: the salient-object metrics, and the DIS metrics (HCE, IoU, Dice, relaxFb) where
 * they were computed.
 *
 * @param sod MAE, S-measure, weighted F, the F and E curves and their summaries
 * @param dis HCE, the IoU and Dice families and the relaxed boundary F, or null when not computed
 */
public record DatasetResult(SodResult sod, DisResult dis) {

    /** A result with the salient-object metrics only. */
    public static DatasetResult of(SodResult sod) {
        return new DatasetResult(sod, null);
    }

    public boolean hasDis() {
        return dis != null;
    }
}
