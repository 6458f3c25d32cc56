package clearbg.jobs.params;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * A YAML params file (the project's {@code params.yaml}, which DVC reads too): a mapping of sections, each
 * a mapping of keys to values. A value is a scalar or a list of scalars (given to a command as one
 * comma-separated value); an empty value ({@code key:} or {@code key: null}) means "the command's default".
 */
public final class ParamsFile {

    private final Path path;
    private final JsonNode root;

    private ParamsFile(Path path, JsonNode root) {
        this.path = path;
        this.root = root;
    }

    /** Reads {@code path}; fails naming the file when it is missing, not YAML, or not a mapping. */
    public static ParamsFile read(Path path) throws ParamsException {
        if (!Files.isRegularFile(path)) {
            throw new ParamsException("params file " + path + ": no such file");
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
        } catch (IOException e) {
            throw new ParamsException(
                    "params file " + path + ": not valid YAML ("
                            + e.getMessage().lines().findFirst().orElse("") + ")",
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new ParamsException("params file " + path + ": expected a mapping of sections at the top level");
        }
        return new ParamsFile(path, root);
    }

    /** The file's path. */
    public Path path() {
        return path;
    }

    /**
     * The keys and values of {@code section} (dotted for a nested one) in file order, values as text, empty
     * values left out; empty when the file has no such section.
     *
     * @throws ParamsException when the section is not a mapping or a value is a mapping or a nested list
     */
    public Optional<Map<String, String>> section(String section) throws ParamsException {
        JsonNode node = root;
        for (String part : section.split("\\.")) {
            node = node.path(part);
        }
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new ParamsException("params file " + path + ": " + section + " must be a mapping of keys to values");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            String key = section + "." + entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isNull()) {
                continue;
            }
            values.put(entry.getKey(), text(key, value));
        }
        return Optional.of(values);
    }

    private String text(String key, JsonNode value) throws ParamsException {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.isArray() && StreamSupport.stream(value.spliterator(), false).allMatch(JsonNode::isValueNode)) {
            return StreamSupport.stream(value.spliterator(), false)
                    .map(JsonNode::asText)
                    .collect(Collectors.joining(","));
        }
        throw new ParamsException("params file " + path + ": " + key + " must be a value or a list of values");
    }
}
