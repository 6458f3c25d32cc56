package clearbg.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The outputs of an executed notebook, read from its {@code .ipynb} file (nbformat 4 JSON). */
final class ExecutedNotebook {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern EMBEDDED_PNG = Pattern.compile("<img[^>]*\\ssrc=\"data:image/png;base64,");

    private final List<JsonNode> outputs = new ArrayList<>();

    private ExecutedNotebook(JsonNode notebook) {
        notebook.path("cells").forEach(cell -> cell.path("outputs").forEach(outputs::add));
    }

    static ExecutedNotebook read(Path file) throws IOException {
        return new ExecutedNotebook(JSON.readTree(file.toFile()));
    }

    /** {@code name: value} of every error output (an exception a cell raised). */
    List<String> errors() {
        return outputs.stream()
                .filter(output -> output.path("output_type").asText().equals("error"))
                .map(output -> output.path("ename").asText() + ": "
                        + output.path("evalue").asText())
                .toList();
    }

    /** What the cells wrote to standard error (warnings included). */
    List<String> standardError() {
        return outputs.stream()
                .filter(output -> output.path("name").asText().equals("stderr"))
                .map(output -> text(output.path("text")))
                .toList();
    }

    /** How many outputs are PNG images (a figure each). */
    long pngImages() {
        return outputs.stream()
                .filter(output -> output.path("data").has("image/png"))
                .count();
    }

    /** The cells' standard output and the plain-text form of their displayed values, in order. */
    String plainText() {
        StringBuilder text = new StringBuilder();
        for (JsonNode output : outputs) {
            if (output.path("name").asText().equals("stdout")) {
                text.append(text(output.path("text"))).append('\n');
            } else if (output.path("data").has("text/plain")) {
                text.append(text(output.path("data").path("text/plain"))).append('\n');
            }
        }
        return text.toString();
    }

    /** How many PNG images an HTML page embeds as {@code <img src="data:image/png;base64,...">}. */
    static long embeddedPngImages(String html) {
        return EMBEDDED_PNG.matcher(html).results().count();
    }

    /** nbformat stores a text as one string or as a list of lines. */
    private static String text(JsonNode node) {
        if (!node.isArray()) {
            return node.asText();
        }
        StringBuilder joined = new StringBuilder();
        node.forEach(line -> joined.append(line.asText()));
        return joined.toString();
    }
}
