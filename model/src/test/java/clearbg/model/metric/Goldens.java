package clearbg.model.metric;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Reads the golden files written by scripts/reference/make_metric_goldens.py (PySODMetrics reference values). */
final class Goldens {

    private static final JsonNode ROOT = load();

    private Goldens() {}

    static JsonNode root() {
        return ROOT;
    }

    private static JsonNode load() {
        JsonMapper mapper = JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build();
        try (InputStream in = Goldens.class.getResourceAsStream("/metric/goldens.json")) {
            return mapper.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An 8-bit grey PNG from the test resources, raw sample values. */
    static GreyImage png(String resource) {
        try (InputStream in = Goldens.class.getResourceAsStream("/metric/" + resource)) {
            if (in == null) {
                throw new IllegalArgumentException("missing resource " + resource);
            }
            BufferedImage image = ImageIO.read(in);
            Raster raster = image.getRaster();
            if (raster.getNumBands() != 1 || raster.getSampleModel().getSampleSize(0) != 8) {
                throw new IllegalArgumentException(resource + " is not 8-bit grey");
            }
            int w = image.getWidth();
            int h = image.getHeight();
            int[] values = raster.getPixels(0, 0, w, h, (int[]) null);
            return GreyImage.ofInts(w, h, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Statistics of a golden pair, the prediction resized to the ground truth's size first where they differ. */
    static ImageStats pairStats(String name) {
        GreyImage pred = png("pairs/" + name + "_pred.png");
        GreyImage gt = png("pairs/" + name + "_gt.png");
        if (pred.width() != gt.width() || pred.height() != gt.height()) {
            pred = PredictionResizer.resize(pred, gt.width(), gt.height());
        }
        return ImageStats.of(pred, gt);
    }

    static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    static int[] doublesAsInts(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
