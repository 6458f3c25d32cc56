package clearbg.cli;

import clearbg.model.io.AtomicFile;
import clearbg.model.predict.Phase;
import clearbg.model.predict.PhaseTimings;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The {@code --timings} file of {@code clearbg remove}: a JSON object with {@code images} (outputs
 * written), {@code wall_seconds} (from the start of the command until the report is written, the JVM's
 * own start-up excluded) and {@code phase_seconds}, one entry per {@link Phase} in pipeline order.
 */
final class TimingsReport {

    private TimingsReport() {}

    /** Writes the report to {@code file} (whole or not at all). */
    static void write(Path file, PhaseTimings timings, int images, long wallNanos) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("images", images);
        root.put("wall_seconds", wallNanos / 1e9);
        ObjectNode phases = root.putObject("phase_seconds");
        for (Phase phase : Phase.values()) {
            phases.put(phase.label(), timings.nanos(phase) / 1e9);
        }
        AtomicFile.write(file, mapper.writeValueAsBytes(root));
    }
}
