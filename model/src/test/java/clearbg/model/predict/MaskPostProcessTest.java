package clearbg.model.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@link MaskPostProcess} against rembg's own {@code post_process} on the masks of
 * {@code scripts/reference/make_ppm_fixture.py} (a soft blob, speckles and thin lines, a smooth field,
 * plateaus at the threshold, a 5x3 mask). Tolerance: none, every pixel equal (the outputs are 0 or 255, so
 * "within 1/255" means equal).
 */
class MaskPostProcessTest {

    @Test
    void equalsRembgsPostProcessPixelForPixel() throws IOException, URISyntaxException {
        Path dir = Paths.get(MaskPostProcessTest.class
                        .getResource("/ppm/expected.json")
                        .toURI())
                .getParent();
        JsonNode expected =
                new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        List<String> failures = new ArrayList<>();
        for (JsonNode entry : expected.get("masks")) {
            BufferedImage input =
                    ImageIO.read(dir.resolve(entry.get("mask").asText()).toFile());
            BufferedImage reference =
                    ImageIO.read(dir.resolve(entry.get("expected").asText()).toFile());
            int w = input.getWidth();
            int h = input.getHeight();
            byte[] values = new byte[w * h];
            for (int i = 0; i < values.length; i++) {
                values[i] = (byte) input.getRaster().getSample(i % w, i / w, 0);
            }
            MaskImage processed = MaskPostProcess.apply(new MaskImage(w, h, values));
            int differing = 0;
            for (int i = 0; i < values.length; i++) {
                if ((processed.values()[i] & 0xff) != reference.getRaster().getSample(i % w, i / w, 0)) {
                    differing++;
                }
            }
            System.out.println("MaskPostProcessTest " + entry.get("mask").asText() + ": " + differing + " of "
                    + values.length + " pixels differ");
            if (differing > 0) {
                failures.add(entry.get("mask").asText() + ": " + differing + " pixels differ");
            }
        }
        assertEquals(5, expected.get("masks").size());
        assertTrue(failures.isEmpty(), String.join("; ", failures));
    }
}
