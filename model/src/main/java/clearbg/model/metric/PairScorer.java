package clearbg.model.metric;

import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.DecodedImage;
import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.MaskDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores one encoded prediction against its encoded ground truth the way the reference evaluation
 * scripts of PySODMetrics do: both read as 8-bit grey ({@code cv2.IMREAD_GRAYSCALE}; a colour map is
 * converted to luminance, see {@link MaskDecoder}), the prediction resized to the ground truth's size with
 * {@link PredictionResizer} ({@code cv2.resize}, INTER_LINEAR) when the sizes differ, then the metrics of its
 * {@link MetricSet}: {@link ImageStats#of} (SOD, ALL), {@link DisStats#of} (HCE, IoU / Dice, relaxFb; ALL) or
 * {@link HumanCorrectionEffort} alone (HCE). Maps are decoded within the {@link DecodeLimits} and the JVM's
 * image memory budget. Thread-safe.
 */
public final class PairScorer {

    /**
     * The statistics of one pair and what was noticed on the way.
     *
     * @param stats the per-image statistics, or null when the scorer does not compute them
     * @param dis the per-image DIS statistics, or null when the scorer does not compute them
     * @param hce the image's HCE (also in {@code dis}), or null when the scorer computes neither
     * @param notes human-readable remarks (a colour ground truth converted, a prediction resized)
     */
    public record Scored(ImageStats stats, DisStats dis, Integer hce, List<String> notes) {
        public Scored {
            notes = List.copyOf(notes);
        }
    }

    /**
     * Bytes per pixel the scoring allocates besides the decoded maps (8-bit copies, the weighted F's distance
     * transform and Gaussian-filtered error in doubles, S-measure and E-measure planes): 64, an upper bound.
     */
    public static final long WORK_BYTES_PER_PIXEL = 64;

    /**
     * Bytes per pixel the DIS statistics allocate besides the decoded maps, one after the other with the
     * ones above (binary planes, region labels and their stack, contour tracing's integer map): 96, an upper
     * bound.
     */
    public static final long DIS_WORK_BYTES_PER_PIXEL = 96;

    private final BudgetedDecoder decoder;
    private final MetricSet metrics;

    /** A scorer that refuses maps over {@code limits} and decodes within this JVM's image memory budget. */
    public PairScorer(DecodeLimits limits) {
        this(limits, false);
    }

    /**
     * A scorer as {@link #PairScorer(DecodeLimits)} that also computes the DIS statistics ({@link DisStats})
     * when {@code dis} is set.
     */
    public PairScorer(DecodeLimits limits, boolean dis) {
        this(limits, dis ? MetricSet.ALL : MetricSet.SOD);
    }

    /** A scorer as {@link #PairScorer(DecodeLimits)} that computes the given metrics. */
    public PairScorer(DecodeLimits limits, MetricSet metrics) {
        this.decoder = new BudgetedDecoder(
                limits,
                switch (metrics) {
                    case ALL -> Math.max(WORK_BYTES_PER_PIXEL, DIS_WORK_BYTES_PER_PIXEL);
                    case SOD -> WORK_BYTES_PER_PIXEL;
                    case HCE -> DIS_WORK_BYTES_PER_PIXEL;
                });
        this.metrics = metrics;
    }

    /** Whether this scorer computes the DIS statistics. */
    public boolean dis() {
        return metrics == MetricSet.ALL;
    }

    /**
     * Scores an encoded prediction against an encoded ground truth.
     *
     * @throws ImageDecodeException naming the file when either map cannot be decoded
     */
    public Scored score(byte[] prediction, String predictionName, byte[] groundTruth, String groundTruthName) {
        GreyImage grey;
        try (DecodedImage decoded = decoder.decode(predictionName, prediction, null)) {
            grey = toGrey(decoded.image());
        }
        // The 8-bit copy is covered by the ground truth's reservation (WORK_BYTES_PER_PIXEL), so this thread
        // never waits for memory while holding some.
        return score(grey, predictionName, groundTruth, groundTruthName);
    }

    /**
     * Scores a decoded 8-bit prediction (for example a {@code Predictor} mask) against an encoded ground
     * truth.
     *
     * @throws ImageDecodeException naming the file when the ground truth cannot be decoded
     */
    public Scored score(GreyImage prediction, String predictionName, byte[] groundTruth, String groundTruthName) {
        try (DecodedImage decoded = decoder.decode(groundTruthName, groundTruth, null)) {
            return score(prediction, predictionName, decoded.image(), groundTruthName);
        }
    }

    private Scored score(GreyImage prediction, String predictionName, FloatImage gtImage, String groundTruthName) {
        List<String> notes = new ArrayList<>();
        if (gtImage.channels() != 1) {
            notes.add(groundTruthName
                    + ": colour ground truth converted to grey (luminance), as cv2.IMREAD_GRAYSCALE does");
        }
        GreyImage gt = toGrey(gtImage);
        GreyImage pred = prediction;
        if (pred.width() != gt.width() || pred.height() != gt.height()) {
            notes.add(predictionName + ": prediction " + pred.width() + "x" + pred.height()
                    + " resized to the ground truth's " + gt.width() + "x" + gt.height());
            pred = PredictionResizer.resize(pred, gt.width(), gt.height());
        }
        if (metrics == MetricSet.HCE) {
            return new Scored(null, null, HumanCorrectionEffort.of(pred, gt), notes);
        }
        PreparedPair pair = PreparedPair.of(pred, gt);
        DisStats dis = metrics == MetricSet.ALL ? DisStats.of(pair, pred, gt) : null;
        return new Scored(ImageStats.of(pair), dis, dis == null ? null : dis.hce(), notes);
    }

    /** Rounds a 0..255 map to 8 bits (8-bit sources are already integral); colour goes through luminance. */
    static GreyImage toGrey(FloatImage image) {
        float[] values = MaskDecoder.toGrey(image).data();
        byte[] pixels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            // round half up and clamp to 0..255 (NaN gives 0); integer min and max, which the JIT vectorises
            pixels[i] = (byte) Math.min(255, Math.max(0, (int) (values[i] + 0.5f)));
        }
        return new GreyImage(image.width(), image.height(), pixels);
    }
}
