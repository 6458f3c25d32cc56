package clearbg.model.metric;

import java.util.Arrays;

/**
 * Data-set DIS metrics: every per-image number averaged over images (PySODMetrics' sample-based default). The IoU
 * and Dice curves are the mean over images of each image's curve (point {@code i} is threshold {@code 255 - i} on
 * {@code trunc(255 p)}), and {@code max}/{@code mean} are taken over those mean curves, as PySODMetrics'
 * {@code FmeasureV2} reports {@code ["dynamic"].max()} and {@code ["dynamic"].mean()}. With no images every
 * number is NaN.
 *
 * @param images            number of images
 * @param hce               mean human correction efforts ({@code HumanCorrectionEffortMeasure.get_results()["hce"]})
 * @param maxIou            maximum of the mean IoU curve
 * @param meanIou           mean of the mean IoU curve
 * @param adpIou            mean adaptive IoU (threshold min(2 mean(p), 1))
 * @param binaryIou         mean IoU at p &gt; 0.5
 * @param maxDice           maximum of the mean Dice curve
 * @param meanDice          mean of the mean Dice curve
 * @param adpDice           mean adaptive Dice
 * @param binaryDice        mean Dice at p &gt; 0.5
 * @param relaxFb           mean relaxed boundary F (rho 3, beta^2 0.3)
 * @param relaxedPrecision  mean relaxed boundary precision
 * @param relaxedRecall     mean relaxed boundary recall
 * @param iouCurve          256-point mean IoU curve
 * @param diceCurve         256-point mean Dice curve
 */
public record DisResult(
        long images,
        double hce,
        double maxIou,
        double meanIou,
        double adpIou,
        double binaryIou,
        double maxDice,
        double meanDice,
        double adpDice,
        double binaryDice,
        double relaxFb,
        double relaxedPrecision,
        double relaxedRecall,
        double[] iouCurve,
        double[] diceCurve) {

    public DisResult {
        iouCurve = iouCurve.clone();
        diceCurve = diceCurve.clone();
    }

    @Override
    public double[] iouCurve() {
        return iouCurve.clone();
    }

    @Override
    public double[] diceCurve() {
        return diceCurve.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DisResult r
                && r.images == images
                && Double.compare(r.hce, hce) == 0
                && Double.compare(r.maxIou, maxIou) == 0
                && Double.compare(r.meanIou, meanIou) == 0
                && Double.compare(r.adpIou, adpIou) == 0
                && Double.compare(r.binaryIou, binaryIou) == 0
                && Double.compare(r.maxDice, maxDice) == 0
                && Double.compare(r.meanDice, meanDice) == 0
                && Double.compare(r.adpDice, adpDice) == 0
                && Double.compare(r.binaryDice, binaryDice) == 0
                && Double.compare(r.relaxFb, relaxFb) == 0
                && Double.compare(r.relaxedPrecision, relaxedPrecision) == 0
                && Double.compare(r.relaxedRecall, relaxedRecall) == 0
                && Arrays.equals(r.iouCurve, iouCurve)
                && Arrays.equals(r.diceCurve, diceCurve);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {
            images,
            hce,
            maxIou,
            meanIou,
            adpIou,
            binaryIou,
            maxDice,
            meanDice,
            adpDice,
            binaryDice,
            relaxFb,
            relaxedPrecision,
            relaxedRecall,
            Arrays.hashCode(iouCurve),
            Arrays.hashCode(diceCurve)
        });
    }

    @Override
    public String toString() {
        return "DisResult[images=" + images + ", hce=" + hce + ", maxIou=" + maxIou + ", meanIou=" + meanIou
                + ", adpIou=" + adpIou + ", binaryIou=" + binaryIou + ", maxDice=" + maxDice + ", meanDice="
                + meanDice + ", adpDice=" + adpDice + ", binaryDice=" + binaryDice + ", relaxFb=" + relaxFb
                + ", relaxedPrecision=" + relaxedPrecision + ", relaxedRecall=" + relaxedRecall + "]";
    }
}
