package clearbg.model.metric;

import java.util.Arrays;

/**
 * Data-set metrics, as PySODMetrics reports them. Every per-image number is averaged over images; curves are the
 * mean over images of each image's curve, and the max / mean summaries are taken over those mean curves:
 * {@code maxF = max_i mean_images F_image(i)} (not F of the mean precision and recall), {@code meanF =
 * mean_i mean_images F_image(i)}; likewise for E. Curve point {@code i} is threshold {@code 255 - i} on
 * {@code trunc(255 p)} (PySODMetrics' order). With no images every number is NaN.
 *
 * @param images     number of images
 * @param mae        mean absolute error
 * @param sMeasure   structure measure, alpha 0.5
 * @param weightedF  weighted F-measure, beta 1
 * @param maxF       maximum of the mean F curve (beta^2 0.3)
 * @param meanF      mean of the mean F curve
 * @param adpF       mean adaptive F (threshold min(2 mean(p), 1))
 * @param maxE       maximum of the mean E curve
 * @param meanE      mean of the mean E curve
 * @param adpE       mean adaptive E
 * @param precision  256-point mean precision curve
 * @param recall     256-point mean recall curve
 * @param fMeasure   256-point mean F curve
 * @param eMeasure   256-point mean E curve
 */
public record SodResult(
        long images,
        double mae,
        double sMeasure,
        double weightedF,
        double maxF,
        double meanF,
        double adpF,
        double maxE,
        double meanE,
        double adpE,
        double[] precision,
        double[] recall,
        double[] fMeasure,
        double[] eMeasure) {

    private static final String CONVENTION = "PySODMetrics 1.6: per-image metrics averaged over images; "
            + "F (beta^2=0.3) and E curves averaged over images per threshold (256 thresholds on trunc(255*p), "
            + "point i = threshold 255-i), maxF/maxE = max over thresholds of the mean curve, meanF/meanE = mean "
            + "of the mean curve; adaptive threshold min(2*mean(p),1); gt > 128; p min-max normalised per image";

    public SodResult {
        precision = precision.clone();
        recall = recall.clone();
        fMeasure = fMeasure.clone();
        eMeasure = eMeasure.clone();
    }

    /** How the numbers were aggregated, to be stored next to them. */
    public String convention() {
        return CONVENTION;
    }

    @Override
    public double[] precision() {
        return precision.clone();
    }

    @Override
    public double[] recall() {
        return recall.clone();
    }

    @Override
    public double[] fMeasure() {
        return fMeasure.clone();
    }

    @Override
    public double[] eMeasure() {
        return eMeasure.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SodResult r
                && r.images == images
                && Double.compare(r.mae, mae) == 0
                && Double.compare(r.sMeasure, sMeasure) == 0
                && Double.compare(r.weightedF, weightedF) == 0
                && Double.compare(r.maxF, maxF) == 0
                && Double.compare(r.meanF, meanF) == 0
                && Double.compare(r.adpF, adpF) == 0
                && Double.compare(r.maxE, maxE) == 0
                && Double.compare(r.meanE, meanE) == 0
                && Double.compare(r.adpE, adpE) == 0
                && Arrays.equals(r.precision, precision)
                && Arrays.equals(r.recall, recall)
                && Arrays.equals(r.fMeasure, fMeasure)
                && Arrays.equals(r.eMeasure, eMeasure);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {
            images,
            mae,
            sMeasure,
            weightedF,
            maxF,
            meanF,
            adpF,
            maxE,
            meanE,
            adpE,
            Arrays.hashCode(precision),
            Arrays.hashCode(recall),
            Arrays.hashCode(fMeasure),
            Arrays.hashCode(eMeasure)
        });
    }

    @Override
    public String toString() {
        return "SodResult[images=" + images + ", mae=" + mae + ", sMeasure=" + sMeasure + ", weightedF=" + weightedF
                + ", maxF=" + maxF + ", meanF=" + meanF + ", adpF=" + adpF + ", maxE=" + maxE + ", meanE=" + meanE
                + ", adpE=" + adpE + "]";
    }
}
