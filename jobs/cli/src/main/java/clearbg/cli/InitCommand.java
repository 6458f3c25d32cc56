package clearbg.cli;

import ai.djl.Device;
import clearbg.jobs.options.ArchOption;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.nn.Arch;
import clearbg.model.nn.U2NetModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code clearbg init}: writes freshly initialised (seeded Xavier) weights, the start of a training run. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description =
                "Write seeded Xavier-initialised U²-Net weights as safetensors (untrained: for training or tests).")
final class InitCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--arch",
            required = true,
            converter = ArchOption.class,
            description = "u2net, u2netp, isnet or isnet-gt-encoder")
    private Arch arch;

    @Option(names = "--seed", defaultValue = "0", description = "initialisation seed (default ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--overwrite", description = "replace OUT if it exists")
    private boolean overwrite;

    @Parameters(index = "0", paramLabel = "OUT", description = "output .safetensors file")
    private Path out;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out) && !overwrite) {
            throw new UsageException(out + " exists; pass --overwrite to replace it");
        }
        try (U2NetModel model = U2NetModel.create(arch, Device.cpu(), seed)) {
            SafetensorsWriter.write(
                    model.stateDict(),
                    out,
                    Map.of("arch", arch.cliName(), "init", "xavier-uniform", "seed", Long.toString(seed)));
        }
        spec.commandLine().getOut().println("wrote " + arch.cliName() + " weights (seed " + seed + ") to " + out);
        return 0;
    }
}
