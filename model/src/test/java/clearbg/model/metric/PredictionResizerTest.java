package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bit-exact agreement with cv2.resize(src, (w, h), interpolation=cv2.INTER_LINEAR) on uint8 images. */
class PredictionResizerTest {

    @Test
    void matchesOpenCvInterLinearExactly() {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (JsonNode name : Goldens.root().get("resize")) {
            GreyImage src = Goldens.png("resize/" + name.asText() + "_src.png");
            GreyImage want = Goldens.png("resize/" + name.asText() + "_dst.png");
            GreyImage got = PredictionResizer.resize(src, want.width(), want.height());
            int differing = 0;
            for (int i = 0; i < want.size(); i++) {
                if (want.value(i) != got.value(i)) {
                    differing++;
                }
            }
            if (differing > 0) {
                failures.add(name.asText() + ": " + differing + " of " + want.size() + " pixels differ");
            }
            cases++;
        }
        assertEquals(24, cases);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }
}
