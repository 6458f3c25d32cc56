package clearbg.jobs.params;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Takes a command's option defaults from a params file: {@code --params FILE} on the command line makes
 * every key of the command's {@linkplain ParamsSections sections} the default of the option
 * {@code --key} ({@code train_splits} for {@code --train-splits}); an option given on the command line wins,
 * and an option in neither keeps its built-in default. A later section's key wins over an earlier one's.
 * A key that is not an option of the command is an error naming the file, the section and the key, so a
 * misspelt setting never goes unnoticed.
 */
public final class ParamsDefaults implements CommandLine.IDefaultValueProvider {

    private static final List<String> RESERVED = List.of("--params", "--help", "--version");

    private final Map<String, String> valuesByOption;

    private ParamsDefaults(Map<String, String> valuesByOption) {
        this.valuesByOption = valuesByOption;
    }

    /**
     * When {@code args} hold {@code --params FILE} and {@code commandLine}'s command implements
     * {@link ParamsSections}, installs the file's values as the command's defaults; otherwise does nothing.
     *
     * @throws ParamsException when the file cannot be read or holds a key the command does not know
     */
    public static void install(CommandLine commandLine, String[] args) throws ParamsException {
        Optional<Path> file = paramsFile(args);
        if (file.isEmpty() || !(commandLine.getCommandSpec().userObject() instanceof ParamsSections command)) {
            return;
        }
        ParamsFile params = ParamsFile.read(file.get());
        Map<String, String> valuesByOption = new LinkedHashMap<>();
        for (String section : command.paramsSections()) {
            Optional<Map<String, String>> values = params.section(section);
            if (values.isEmpty()) {
                continue;
            }
            for (Map.Entry<String, String> entry : values.get().entrySet()) {
                String option = "--" + entry.getKey().replace('_', '-');
                if (commandLine.getCommandSpec().findOption(option) == null || RESERVED.contains(option)) {
                    throw new ParamsException("params file " + params.path() + ": " + section + "." + entry.getKey()
                            + " is not a setting of " + commandLine.getCommandName() + " (it knows "
                            + knownKeys(commandLine) + ")");
                }
                valuesByOption.put(option, entry.getValue());
            }
        }
        commandLine.setDefaultValueProvider(new ParamsDefaults(valuesByOption));
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        return argument instanceof OptionSpec option ? valuesByOption.get(option.longestName()) : null;
    }

    private static Optional<Path> paramsFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--params") && i + 1 < args.length) {
                return Optional.of(Path.of(args[i + 1]));
            }
            if (args[i].startsWith("--params=")) {
                return Optional.of(Path.of(args[i].substring("--params=".length())));
            }
        }
        return Optional.empty();
    }

    private static String knownKeys(CommandLine commandLine) {
        TreeSet<String> keys = new TreeSet<>();
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            if (option.longestName().startsWith("--") && !RESERVED.contains(option.longestName())) {
                keys.add(option.longestName().substring(2).replace('-', '_'));
            }
        }
        return String.join(", ", keys);
    }
}
