package clearbg.model.metric;

/**
 * IoU and Dice from confusion counts, as PySODMetrics 1.6.2's {@code IOUHandler} and {@code DICEHandler} of
 * {@code FmeasureV2}: with {@code TP} the selected foreground pixels, {@code P} all selected pixels and {@code T}
 * the foreground pixels ({@code FP = P - TP}, {@code FN = T - TP}): {@code IoU = TP / (TP + FP + FN)} and
 * {@code Dice = 2 TP / (2 TP + FN + FP)}, each 0 when its denominator is 0 (both maps empty).
 */
final class IouDice {

    private IouDice() {}

    static double iou(long truePositives, long positives, long foreground) {
        long denominator = truePositives + (positives - truePositives) + (foreground - truePositives);
        return denominator == 0 ? 0 : truePositives / (double) denominator;
    }

    static double dice(long truePositives, long positives, long foreground) {
        long denominator = 2 * truePositives + (foreground - truePositives) + (positives - truePositives);
        return denominator == 0 ? 0 : 2 * truePositives / (double) denominator;
    }
}
