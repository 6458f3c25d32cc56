package clearbg.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One method scored by {@code clearbg metrics}: its name in the outputs and the folder of its predicted maps, from
 * {@code --pred [NAME=]DIR} (the name defaults to the folder's own name).
 *
 * @param name the method's name: its row in the table, its key in the JSON and curves, its per-image rows' dataset
 * @param folder the predicted maps
 */
record ScoredMethod(String name, Path folder) {

    /** Parses {@code NAME=DIR} or {@code DIR}. */
    static ScoredMethod parse(String value) {
        int equals = value.indexOf('=');
        if (equals > 0 && !value.substring(0, equals).contains("/")) {
            return new ScoredMethod(value.substring(0, equals), Path.of(value.substring(equals + 1)));
        }
        Path folder = Path.of(value);
        Path own = folder.toAbsolutePath().normalize().getFileName();
        return new ScoredMethod(own == null ? value : own.toString(), folder);
    }

    /**
     * Parses every {@code --pred} value.
     *
     * @throws UsageException when two methods have one name (name them: {@code --pred a=DIR})
     */
    static List<ScoredMethod> parseAll(List<String> values) {
        List<ScoredMethod> methods = values.stream().map(ScoredMethod::parse).toList();
        Set<String> names = new HashSet<>();
        for (ScoredMethod method : methods) {
            if (!names.add(method.name())) {
                throw new UsageException(
                        "--pred: two methods are called '" + method.name() + "'; name each one (--pred NAME=DIR)");
            }
        }
        return methods;
    }
}
