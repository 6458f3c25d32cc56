package clearbg.model.metric;

/** Which metrics a {@link PairScorer} computes for each pair. */
public enum MetricSet {
    /** The salient-object metrics ({@link ImageStats}) and the DIS metrics ({@link DisStats}). */
    ALL,
    /** The salient-object metrics only ({@link ImageStats}). */
    SOD,
    /** {@link HumanCorrectionEffort} alone. */
    HCE
}
