package clearbg.cli;

import clearbg.model.io.PthWriter;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.io.StateDict;
import clearbg.model.io.Weights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code clearbg convert IN OUT}: PyTorch {@code .pth} to safetensors and back. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = {"Convert weights between PyTorch .pth (torch.save of a state_dict) and safetensors.",
            "The input format is detected from the content; the output format from OUT's extension",
            "(.safetensors, or .pth / .pt)."})
final class ConvertCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "input weights (.pth or .safetensors)")
    private Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "output file: .safetensors, .pth or .pt")
    private Path out;

    @Option(names = "--overwrite", description = "replace OUT if it exists")
    private boolean overwrite;

    @Override
    public Integer call() throws Exception {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean toSafetensors = name.endsWith(".safetensors");
        if (!toSafetensors && !name.endsWith(".pth") && !name.endsWith(".pt")) {
            throw new UsageException("cannot tell the output format of " + out + ": use .safetensors, .pth or .pt");
        }
        if (Files.exists(out) && !overwrite) {
            throw new UsageException(out + " exists; pass --overwrite to replace it");
        }
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new UsageException("IN and OUT are the same file: " + in);
        }
        StateDict weights = Weights.read(in);
        if (toSafetensors) {
            SafetensorsWriter.write(weights, out, Map.of("source", in.getFileName().toString()));
        } else {
            PthWriter.write(weights, out);
        }
        spec.commandLine().getOut().println("wrote " + weights.size() + " tensors to " + out);
        return 0;
    }
}
