package clearbg.model.matting;

import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecoder;
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
 * {@link AlphaMatting} against rembg's own {@code alpha_matting_cutout} (pymatting underneath) on the cases of
 * {@code scripts/reference/make_matting_fixture.py}: three generated photos with soft, partly hairy edges and
 * their soft masks, with rembg's default thresholds and erosion, other thresholds, the 3x3 cross (ae = 0) and an
 * odd square (ae = 3).
 *
 * <p>Tolerances, in 8-bit levels: the matte within {@value #ALPHA_MAX} everywhere (mean {@value #ALPHA_MEAN});
 * both sides stop conjugate gradients at a residual of 1e-7 of the right-hand side, with different
 * preconditioners (pymatting: incomplete Cholesky; here: Jacobi), and both truncate to 8 bits. The colour of
 * pixels that are at least half opaque within {@value #COLOUR_MAX} (pymatting sweeps the rows of the foreground
 * estimation in parallel, in place, so its own result depends on the thread schedule). Measured: matte at
 * most 1 level apart (mean 0.013 to 0.060), colour at most 1 level apart.
 */
class AlphaMattingTest {

    private static final int ALPHA_MAX = 2;
    private static final double ALPHA_MEAN = 0.2;
    private static final int COLOUR_MAX = 4;

    @Test
    void matchesRembgsAlphaMattingCutout() throws IOException, URISyntaxException {
        Path dir = Paths.get(AlphaMattingTest.class
                        .getResource("/matting/expected.json")
                        .toURI())
                .getParent();
        JsonNode expected =
                new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        List<String> failures = new ArrayList<>();
        for (JsonNode entry : expected.get("cases")) {
            FloatImage photo =
                    new ImageDecoder().decode(dir.resolve(entry.get("photo").asText()));
            BufferedImage maskImage =
                    ImageIO.read(dir.resolve(entry.get("mask").asText()).toFile());
            BufferedImage reference =
                    ImageIO.read(dir.resolve(entry.get("cutout").asText()).toFile());
            int w = photo.width();
            int h = photo.height();
            byte[] mask = new byte[w * h];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = (byte) maskImage.getRaster().getSample(i % w, i / w, 0);
            }
            AlphaMatting.Cutout cutout = new AlphaMatting(
                            entry.get("af").asInt(),
                            entry.get("ab").asInt(),
                            entry.get("ae").asInt())
                    .apply(photo, mask);
            int alphaWorst = 0;
            long alphaSum = 0;
            int colourWorst = 0;
            for (int i = 0; i < mask.length; i++) {
                int x = i % w;
                int y = i / w;
                int expectedAlpha = reference.getRaster().getSample(x, y, 3);
                int difference = Math.abs((cutout.alpha()[i] & 0xff) - expectedAlpha);
                alphaWorst = Math.max(alphaWorst, difference);
                alphaSum += difference;
                if (expectedAlpha >= 128) {
                    for (int c = 0; c < 3; c++) {
                        colourWorst = Math.max(
                                colourWorst,
                                Math.abs((int) cutout.colour().get(x, y, c)
                                        - reference.getRaster().getSample(x, y, c)));
                    }
                }
            }
            double alphaMean = (double) alphaSum / mask.length;
            String where = entry.get("photo").asText() + ": alpha max " + alphaWorst + ", mean " + alphaMean
                    + "; colour max " + colourWorst;
            System.out.println("AlphaMattingTest " + where);
            if (alphaWorst > ALPHA_MAX || alphaMean > ALPHA_MEAN || colourWorst > COLOUR_MAX) {
                failures.add(where);
            }
        }
        assertTrue(failures.isEmpty(), String.join("; ", failures));
    }
}
