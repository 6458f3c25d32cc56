package clearbg.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafetensorsDigestTest {

    @Test
    void theDigestOfTheTensorsEqualsTheDigestOfTheWrittenDataSectionWhateverTheMetadata() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("b", HostTensor.ofFloats(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, Float.NaN}));
        tensors.put("a", HostTensor.ofLongs(new long[0], new long[] {42}));
        StateDict state = StateDict.of(tensors);
        String expected = SafetensorsWriter.dataSha256(state);
        assertEquals(64, expected.length());
        for (Map<String, String> metadata :
                java.util.List.of(Map.<String, String>of(), Map.of("data_sha256", expected))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SafetensorsWriter.write(state, out, metadata);
            try (InputStream in = new ByteArrayInputStream(out.toByteArray())) {
                SafetensorsReader.readMetadata(in, "test");
                assertEquals(expected, SafetensorsDigest.ofDataSection(in));
            }
        }
        tensors.put("a", HostTensor.ofLongs(new long[0], new long[] {43}));
        assertNotEquals(expected, SafetensorsWriter.dataSha256(StateDict.of(tensors)));
    }
}
