package clearbg.model.metric;

import clearbg.model.image.DecodeLimits;
import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.image.MaskDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores one encoded prediction against its encoded ground truth the way the reference evaluation
 * scripts of PySODMetrics do: both read as 8-bit grey ({@code cv2.IMREAD_GRAYSCALE}; a colour map is
 * converted to luminance, see {@link MaskDecoder}), the prediction resized to the ground truth's size with
 * {@link PredictionResizer} ({@code cv2.resize}, INTER_LINEAR) when the sizes differ, then
 * {@link ImageStats#of}. Thread-safe: it holds only immutable settings.
 */
public final class PairScorer {

    /**
     * The statistics of one pair and what was noticed on the way.
     *
     * @param stats the per-image statistics
     * @param notes human-readable remarks (a colour ground truth converted, a prediction resized)
     */
    public record Scored(ImageStats stats, List<String> notes) {
        public Scored {
            notes = List.copyOf(notes);
        }
    }

    private final ImageDecoder decoder;

    /** A scorer that refuses maps over {@code limits}. */
    public PairScorer(DecodeLimits limits) {
        this.decoder = new ImageDecoder(limits);
    }

    /**
     * Scores an encoded prediction against an encoded ground truth.
     *
     * @throws ImageDecodeException naming the file when either map cannot be decoded
     */
    public Scored score(byte[] prediction, String predictionName, byte[] groundTruth, String groundTruthName) {
        return score(toGrey(decoder.decode(prediction, predictionName)), predictionName, groundTruth, groundTruthName);
    }

    /**
     * Scores a decoded 8-bit prediction (for example a {@code Predictor} mask) against an encoded ground
     * truth.
     *
     * @throws ImageDecodeException naming the file when the ground truth cannot be decoded
     */
    public Scored score(GreyImage prediction, String predictionName, byte[] groundTruth, String groundTruthName) {
        List<String> notes = new ArrayList<>();
        FloatImage gtImage = decoder.decode(groundTruth, groundTruthName);
        if (gtImage.channels() != 1) {
            notes.add(groundTruthName + ": colour ground truth converted to grey (luminance), as cv2.IMREAD_GRAYSCALE does");
        }
        GreyImage gt = toGrey(gtImage);
        GreyImage pred = prediction;
        if (pred.width() != gt.width() || pred.height() != gt.height()) {
            notes.add(predictionName + ": prediction " + pred.width() + "x" + pred.height()
                    + " resized to the ground truth's " + gt.width() + "x" + gt.height());
            pred = PredictionResizer.resize(pred, gt.width(), gt.height());
        }
        return new Scored(ImageStats.of(pred, gt), notes);
    }

    /** Rounds a 0..255 map to 8 bits (8-bit sources are already integral); colour goes through luminance. */
    static GreyImage toGrey(FloatImage image) {
        float[] values = MaskDecoder.toGrey(image).data();
        byte[] pixels = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            // round half up; the values are non-negative, so this equals Math.round
            pixels[i] = (byte) Math.min(255, (int) (Math.max(0f, values[i]) + 0.5f));
        }
        return new GreyImage(image.width(), image.height(), pixels);
    }
}
