package clearbg.model.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.image.ImageDecoder;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.nn.Arch;
import clearbg.model.nn.IsNetFormulaWeights;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IS-Net's masks against the steps of the original {@code IS-Net/Inference.py} ({@code
 * scripts/reference/make_isnet_fixture.py}: the formula weights, two photos, an input of 160 x 160), on both
 * engines: the weights file is recognised as IS-Net, ONNX Runtime runs the exported IS-Net graph, and the
 * masks are within one grey level on average.
 */
class IsNetPredictorTest {

    private static final int SIDE = 160;

    @TempDir
    static Path dir;

    private static Path fixture;
    private static Path weights;

    @BeforeAll
    static void writeWeights() throws Exception {
        fixture = Paths.get(IsNetPredictorTest.class
                        .getResource("/isnet/expected.json")
                        .toURI())
                .getParent();
        weights = dir.resolve("isnet-formula.safetensors");
        SafetensorsWriter.write(
                IsNetFormulaWeights.of(new ObjectMapper()
                        .readTree(fixture.resolve("expected.json").toFile())),
                weights,
                Map.of());
    }

    @Test
    void masksEqualTheOriginalInferenceOnBothEngines() throws Exception {
        for (InferenceEngine engine : List.of(InferenceEngine.ONNXRUNTIME, InferenceEngine.PYTORCH)) {
            try (FusedMapNetwork network =
                    NetworkLoader.open(weights, null, SIDE, EngineChoice.onThisMachine(engine, Precision.FP32), 2)) {
                assertEquals(Arch.ISNET, network.arch());
                Predictor predictor = new Predictor(network, new PredictorSettings(SIDE, 2));
                for (int index = 0; index < 2; index++) {
                    byte[] photo = Files.readAllBytes(fixture.resolve("photo_" + index + ".png"));
                    MaskImage mask = predictor
                            .predict(List.of(new ImageDecoder().decode(photo, "photo_" + index + ".png")))
                            .get(0);
                    BufferedImage want = ImageIO.read(
                            fixture.resolve("mask_" + index + ".png").toFile());
                    assertEquals(want.getWidth(), mask.width());
                    assertEquals(want.getHeight(), mask.height());
                    double sum = 0;
                    int worst = 0;
                    for (int y = 0; y < mask.height(); y++) {
                        for (int x = 0; x < mask.width(); x++) {
                            int difference = Math.abs((mask.values()[y * mask.width() + x] & 0xff)
                                    - want.getRaster().getSample(x, y, 0));
                            sum += difference;
                            worst = Math.max(worst, difference);
                        }
                    }
                    double mean = sum / (mask.width() * mask.height());
                    System.out.printf("%s photo %d: mean %.4f grey levels, largest %d%n", engine, index, mean, worst);
                    assertTrue(mean <= 1.0, engine + " photo " + index + ": mean difference " + mean);
                }
            }
        }
    }

    @Test
    void theDefaultInputSideOfIsNetIs1024() {
        assertEquals(1024, Arch.ISNET.defaultInputSize());
        assertEquals(320, Arch.U2NET.defaultInputSize());
        assertEquals(64, Arch.ISNET.minInputSize());
    }
}
