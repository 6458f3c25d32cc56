package clearbg.model.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecoder;
import clearbg.model.io.StateDict;
import clearbg.model.io.Weights;
import clearbg.model.nn.ArchDetector;
import clearbg.model.nn.U2NetModel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 inference against float32 on the mask parity fixture (the photos and seeded weights that
 * {@code scripts/reference/make_mask_fixture.py} wrote): the whole recipe, masks at the photos' sizes. The
 * bfloat16 network is built directly, whatever this CPU offers, so the arithmetic is checked on every
 * machine (where bfloat16 is not native, libtorch emulates it: slower, same numbers).
 *
 * <p>Tolerance per image: mean absolute difference at most {@value #MEAN_TOLERANCE} grey levels and no
 * pixel more than {@value #MAX_TOLERANCE} levels apart. Measured on this fixture (seeded u2netp weights, four
 * photos, AMD EPYC with AVX-512 BF16): mean 0.29 to 0.47 levels, max 2 to 3.
 */
class Bf16PrecisionTest {

    private static final double MEAN_TOLERANCE = 1.0;
    private static final int MAX_TOLERANCE = 8;

    @Test
    void bf16MasksStayCloseToFp32Masks() throws IOException, URISyntaxException {
        Path dir = Paths.get(Bf16PrecisionTest.class
                        .getResource("/masks/expected.json")
                        .toURI())
                .getParent();
        JsonNode expected =
                new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        Path weights = dir.getParent().resolve(expected.get("weights").asText());
        int size = expected.get("input_size").asInt();
        List<FloatImage> images = new ArrayList<>();
        ImageDecoder decoder = new ImageDecoder();
        for (JsonNode entry : expected.get("images")) {
            images.add(decoder.decode(dir.resolve(entry.get("image").asText())));
        }
        List<MaskImage> fp32 = predict(weights, Precision.FP32, images, size);
        List<MaskImage> bf16 = predict(weights, Precision.BF16, images, size);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            MaskImage a = fp32.get(i);
            MaskImage b = bf16.get(i);
            assertEquals(a.width(), b.width());
            assertEquals(a.height(), b.height());
            long sum = 0;
            int worst = 0;
            for (int y = 0; y < a.height(); y++) {
                for (int x = 0; x < a.width(); x++) {
                    int difference = Math.abs(a.get(x, y) - b.get(x, y));
                    sum += difference;
                    worst = Math.max(worst, difference);
                }
            }
            double mean = (double) sum / (a.width() * a.height());
            String where = expected.get("images").get(i).get("image").asText() + ": mean " + mean + ", max " + worst;
            System.out.println("Bf16PrecisionTest " + where);
            if (mean > MEAN_TOLERANCE || worst > MAX_TOLERANCE) {
                failures.add(where);
            }
            assertTrue(sum > 0 || a.width() * a.height() == 0, "bf16 gave fp32's mask bit for bit: not bf16?");
        }
        assertTrue(failures.isEmpty(), String.join("; ", failures));
    }

    private static List<MaskImage> predict(Path weights, Precision precision, List<FloatImage> images, int size)
            throws IOException {
        StateDict stateDict = Weights.read(weights);
        U2NetModel model = U2NetModel.fromStateDict(
                ArchDetector.detect(stateDict, null, weights.toString()), Device.cpu(), stateDict, weights.toString());
        try (FusedMapNetwork network = DjlFusedMapNetwork.of(model, precision)) {
            return new Predictor(network, new PredictorSettings(size, 2)).predict(images);
        }
    }
}
