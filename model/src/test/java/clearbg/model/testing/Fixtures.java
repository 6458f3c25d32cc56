package clearbg.model.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/** Test resources written by scripts/reference/make_image_fixtures.py. */
public final class Fixtures {

    private static final JsonNode MANIFEST = readManifest();

    private Fixtures() {}

    public static byte[] resource(String path) {
        try (InputStream in = Objects.requireNonNull(Fixtures.class.getResourceAsStream("/" + path), path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The numpy shape of a fixture array. */
    public static int[] shape(String name) {
        JsonNode shape = entry(name).get("shape");
        int[] out = new int[shape.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = shape.get(i).asInt();
        }
        return out;
    }

    public static float[] f32(String name) {
        ByteBuffer buffer = ByteBuffer.wrap(
                        resource("transform/" + entry(name).get("file").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[buffer.remaining() / 4];
        buffer.asFloatBuffer().get(out);
        return out;
    }

    public static byte[] u8(String name) {
        return resource("transform/" + entry(name).get("file").asText());
    }

    private static JsonNode entry(String name) {
        return Objects.requireNonNull(MANIFEST.get("arrays").get(name), "no fixture " + name);
    }

    private static JsonNode readManifest() {
        try {
            return new ObjectMapper().readTree(resource("transform/manifest.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
