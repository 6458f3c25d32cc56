/**
 * Salient-object-detection metrics that match PySODMetrics 1.6.x (lartpang/PySODMetrics): MAE, S-measure,
 * weighted F-measure, F-measure and E-measure curves with their max / mean / adaptive summaries, precision and
 * recall curves.
 *
 * <p>Flow: {@link clearbg.model.metric.GreyImage} prediction and ground truth of the same size
 * (use {@link clearbg.model.metric.PredictionResizer} first when sizes differ) &rarr;
 * {@link clearbg.model.metric.ImageStats#of} (a few scalars and two 256-bin histograms per image) &rarr;
 * {@link clearbg.model.metric.SodAccumulator} (exact sums, merged by addition, Serializable for Spark) &rarr;
 * {@link clearbg.model.metric.SodResult}.
 *
 * <p>DIS metrics, the companion flow: the same pair &rarr; {@link clearbg.model.metric.DisStats#of} (HCE as
 * PySODMetrics 1.6.2's {@code HumanCorrectionEffortMeasure}, the IoU / Dice counts of its {@code FmeasureV2}, the
 * relaxed boundary F of the BASNet / U²-Net papers) &rarr; {@link clearbg.model.metric.DisAccumulator} (exact sums)
 * &rarr; {@link clearbg.model.metric.DisResult}.
 *
 * <p>Every summation that decides a comparison (the adaptive threshold, the S-measure region means) follows
 * NumPy's pairwise summation order ({@link clearbg.model.metric.PairwiseSum}), so thresholds and branches agree
 * with the reference bit for bit; elsewhere results agree to a few units in the last place.
 */
package clearbg.model.metric;
