package clearbg.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The files written by scripts/make_io_fixtures.py and the values PyTorch reported for them. */
final class Fixtures {
    private static final JsonNode EXPECTED = load();

    private Fixtures() {}

    static Path path(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/io/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The expected entries of one fixture group ("tiny", "mixed", "safetensors"). */
    static JsonNode expected(String group) {
        return EXPECTED.get(group);
    }

    static List<String> expectedKeys(String group) {
        List<String> keys = new ArrayList<>();
        expected(group).fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    /** Asserts that {@code actual} has exactly the keys (in order), types, shapes and values PyTorch reported. */
    static void assertMatches(String group, StateDict actual) {
        assertEquals(expectedKeys(group), List.copyOf(actual.keys()));
        for (Iterator<String> it = expected(group).fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode e = expected(group).get(key);
            HostTensor t = actual.get(key);
            assertEquals(TensorType.valueOf(e.get("type").asText()), t.type(), key);
            long[] shape = new long[e.get("shape").size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.get("shape").get(i).asLong();
            }
            assertArrayEquals(shape, t.shape(), key);
            JsonNode values = e.get("values");
            assertEquals(values.size(), t.numel(), key);
            if (t.type() == TensorType.FLOAT32) {
                double sum = 0;
                for (int i = 0; i < values.size(); i++) {
                    assertEquals((float) values.get(i).asDouble(), t.floats()[i], key + "[" + i + "]");
                    sum += t.floats()[i];
                }
                assertEquals(e.get("sum").asDouble(), sum, 1e-5 * Math.max(1, Math.abs(sum)), key + " sum");
            } else {
                long sum = 0;
                for (int i = 0; i < values.size(); i++) {
                    assertEquals(values.get(i).asLong(), t.longs()[i], key + "[" + i + "]");
                    sum += t.longs()[i];
                }
                assertEquals(e.get("sum").asLong(), sum, key + " sum");
            }
        }
    }

    private static JsonNode load() {
        try {
            return new ObjectMapper().readTree(path("expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
