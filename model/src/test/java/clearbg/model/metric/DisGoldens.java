package clearbg.model.metric;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads the golden files written by scripts/reference/make_dis_metric_goldens.py (PySODMetrics 1.6.2 HCE and
 * FmeasureV2 IoU/Dice, the BASNet authors' relaxed boundary F, OpenCV contours and polygon simplification,
 * scikit-image skeletons).
 */
final class DisGoldens {

    private static final JsonNode ROOT = load();

    private DisGoldens() {}

    static JsonNode root() {
        return ROOT;
    }

    private static JsonNode load() {
        try (InputStream in = DisGoldens.class.getResourceAsStream("/metric/dis/goldens.json")) {
            return JsonMapper.builder().build().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The prediction of a golden pair, resized to its ground truth's size where they differ (as PairScorer). */
    static GreyImage prediction(String name) {
        GreyImage pred = Goldens.png("dis/pairs/" + name + "_pred.png");
        GreyImage gt = groundTruth(name);
        if (pred.width() != gt.width() || pred.height() != gt.height()) {
            pred = PredictionResizer.resize(pred, gt.width(), gt.height());
        }
        return pred;
    }

    static GreyImage groundTruth(String name) {
        return Goldens.png("dis/pairs/" + name + "_gt.png");
    }

    static DisStats stats(String name) {
        return DisStats.of(prediction(name), groundTruth(name));
    }

    /** A mask written as a string of '0' and '1', row-major. */
    static boolean[] mask(String bits) {
        boolean[] out = new boolean[bits.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bits.charAt(i) == '1';
        }
        return out;
    }
}
