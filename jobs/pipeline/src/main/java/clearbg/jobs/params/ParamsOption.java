package clearbg.jobs.params;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --params FILE} option, mixed into every command that implements {@link ParamsSections}; its
 * value is read before the other options by {@link ParamsDefaults#install}.
 */
public final class ParamsOption {

    @Option(
            names = "--params",
            paramLabel = "FILE",
            description = "take defaults for the options from this YAML file's sections (e.g."
                    + " params.yaml); options given here win")
    Path file;
}
