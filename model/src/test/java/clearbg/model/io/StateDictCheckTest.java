package clearbg.model.io;

import static clearbg.model.io.PthReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDictCheckTest {
    private static final String SOURCE = "u2netp.pth";

    private static Map<String, long[]> shapesOf(StateDict sd) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        sd.asMap().forEach((k, t) -> shapes.put(k, t.shape()));
        return shapes;
    }

    @Test
    void passesWhenKeysAndShapesMatch() throws IOException {
        StateDict sd = PthReader.read(Fixtures.path("tiny.pth"));
        StateDictCheck.requireCompatible(sd, shapesOf(sd), SOURCE);
    }

    @Test
    void listsMissingUnexpectedAndMisshapedKeys() throws IOException {
        StateDict sd = PthReader.read(Fixtures.path("tiny.pth"));
        Map<String, long[]> expected = shapesOf(sd);
        expected.remove("side.bias");
        expected.put("outconv.weight", new long[] {1, 6, 1, 1});
        expected.put("conv_s1.weight", new long[] {4, 3, 1, 1});
        WeightsMismatchException e = assertThrows(
                WeightsMismatchException.class, () -> StateDictCheck.requireCompatible(sd, expected, SOURCE));
        assertEquals(List.of("outconv.weight"), e.missingKeys());
        assertEquals(List.of("side.bias"), e.unexpectedKeys());
        assertEquals(List.of("conv_s1.weight"), e.misshapedKeys());
        assertContains(
                e.getMessage(),
                SOURCE,
                "1 missing key: outconv.weight",
                "1 unexpected key: side.bias",
                "conv_s1.weight (expected [4, 3, 1, 1], found [4, 3, 3, 3])");
    }

    @Test
    void capsLongListsWithACount() {
        Map<String, long[]> expected = new LinkedHashMap<>();
        for (int i = 0; i < 25; i++) {
            expected.put("stage" + i + ".weight", new long[] {1});
        }
        WeightsMismatchException e = assertThrows(
                WeightsMismatchException.class,
                () -> StateDictCheck.requireCompatible(StateDict.of(Map.of()), expected, SOURCE));
        assertEquals(25, e.missingKeys().size());
        assertContains(e.getMessage(), "25 missing keys", "stage19.weight", "... and 5 more");
        assertFalse(e.getMessage().contains("stage20.weight"));
    }
}
