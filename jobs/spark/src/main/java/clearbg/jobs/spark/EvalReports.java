package clearbg.jobs.spark;

import clearbg.jobs.report.PerImageOrder;

/**
 * What an evaluation computes and writes besides the salient-object metrics.
 *
 * @param dis compute the DIS metrics (HCE, IoU / Dice, relaxFb) into every report
 * @param perImageOrder how {@code per_image.csv} is sorted, worst first ({@link PerImageOrder#HCE} needs {@code dis})
 * @param disTable write the DIS paper's table ({@code dis_table.md}, {@code dis_table.json}; needs {@code dis})
 */
public record EvalReports(boolean dis, PerImageOrder perImageOrder, boolean disTable) {

    /** The salient-object metrics only, per image worst first by MAE (TrainJob's evaluations). */
    public static final EvalReports SOD = new EvalReports(false, PerImageOrder.MAE, false);

    public EvalReports {
        if (perImageOrder == null) {
            perImageOrder = PerImageOrder.MAE;
        }
        if (!dis && (perImageOrder == PerImageOrder.HCE || disTable)) {
            throw new IllegalArgumentException("sorting by HCE and the DIS table need the DIS metrics");
        }
    }
}
