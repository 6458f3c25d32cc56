package clearbg.cli;

import clearbg.jobs.options.ArchOption;
import clearbg.model.io.AtomicFile;
import clearbg.model.io.PthWriter;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.io.StateDict;
import clearbg.model.io.Weights;
import clearbg.model.nn.Arch;
import clearbg.model.nn.ArchDetector;
import clearbg.model.nn.U2Net;
import clearbg.model.onnx.U2NetOnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code clearbg convert IN OUT}: PyTorch {@code .pth} to safetensors and back, or either to the ONNX graph
 * that the ONNX Runtime engine runs ({@link U2NetOnnxExport}: input {@code image} N x 3 x S x S, output
 * {@code fused} N x 1 x S x S, the sigmoid of the fused map).
 */
@Command(
        name = "convert",
        mixinStandardHelpOptions = true,
        description = {
            "Convert weights between PyTorch .pth (torch.save of a state_dict) and safetensors, or write the "
                    + "U2-Net inference graph the onnxruntime engine runs as an .onnx file.",
            "The input format is detected from the content; the output format from OUT's extension (.safetensors,"
                    + " .pth / .pt, or .onnx)."
        })
final class ConvertCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "IN", description = "input weights (.pth or .safetensors)")
    private Path in;

    @Parameters(index = "1", paramLabel = "OUT", description = "output file: .safetensors, .pth, .pt or .onnx")
    private Path out;

    @Option(names = "--overwrite", description = "replace OUT if it exists")
    private boolean overwrite;

    @Option(
            names = "--arch",
            converter = ArchOption.class,
            description = ".onnx only: u2net, u2netp or isnet (default: detected from the weights)")
    private Arch arch;

    @Option(
            names = "--size",
            defaultValue = "0",
            description = ".onnx only: the input side S the graph is built for (default 0: the architecture's own,"
                    + " 320 for u2net and u2netp, 1024 for isnet)")
    private int size;

    @Override
    public Integer call() throws Exception {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean toSafetensors = name.endsWith(".safetensors");
        boolean toOnnx = name.endsWith(".onnx");
        if (!toSafetensors && !toOnnx && !name.endsWith(".pth") && !name.endsWith(".pt")) {
            throw new UsageException(
                    "cannot tell the output format of " + out + ": use .safetensors, .pth, .pt or .onnx");
        }
        if (toOnnx && size != 0 && size < U2Net.MIN_INPUT_SIZE) {
            throw new UsageException("--size must be 0 or at least " + U2Net.MIN_INPUT_SIZE + ", got " + size);
        }
        if (Files.exists(out) && !overwrite) {
            throw new UsageException(out + " exists; pass --overwrite to replace it");
        }
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new UsageException("IN and OUT are the same file: " + in);
        }
        // no known architecture has a larger tensor: a small .pth declaring a huge one is refused before it is read
        StateDict weights = Weights.read(in, Arch.largestTensorElements());
        if (toOnnx) {
            Arch detected = ArchDetector.detect(weights, arch, in.toString());
            int side = size > 0 ? size : detected.defaultInputSize();
            if (side < detected.minInputSize()) {
                throw new UsageException(
                        "--size must be at least " + detected.minInputSize() + " for " + detected.cliName());
            }
            AtomicFile.write(out, sink -> U2NetOnnxExport.write(weights, detected, side, side, in.toString(), sink));
            spec.commandLine()
                    .getOut()
                    .println("wrote the " + detected.cliName() + " inference graph for " + side + "x" + side
                            + " inputs to " + out);
            return 0;
        }
        if (toSafetensors) {
            SafetensorsWriter.write(
                    weights, out, Map.of("source", in.getFileName().toString()));
        } else {
            PthWriter.write(weights, out);
        }
        spec.commandLine().getOut().println("wrote " + weights.size() + " tensors to " + out);
        return 0;
    }
}
