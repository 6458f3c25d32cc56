package clearbg.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import clearbg.jobs.options.ArchOption;
import clearbg.model.nn.Arch;
import clearbg.model.nn.U2NetModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code clearbg summary}: parameter count and output shapes, from a real forward pass. */
@Command(
        name = "summary",
        mixinStandardHelpOptions = true,
        description = "Print the parameter count and the output shapes of U²-Net for an input size.")
final class SummaryCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--arch",
            required = true,
            converter = ArchOption.class,
            description = "u2net (full) or u2netp (small)")
    private Arch arch;

    @Option(names = "--height", defaultValue = "320", description = "input height (default ${DEFAULT-VALUE})")
    private int height;

    @Option(names = "--width", defaultValue = "320", description = "input width (default ${DEFAULT-VALUE})")
    private int width;

    @Option(names = "--json", description = "print JSON instead of text")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        int min = arch.minInputSize();
        if (height < min || width < min) {
            throw new UsageException("input must be at least " + min + "x" + min + " for " + arch.cliName()
                    + ", got --height " + height + " --width " + width);
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        try (U2NetModel model = U2NetModel.create(arch, Device.cpu(), 0);
                NDManager scratch = model.manager().newSubManager()) {
            Shape input = new Shape(1, arch.inputChannels(), height, width);
            NDList outputs = model.forward(scratch.zeros(input), false);
            List<long[]> shapes = new ArrayList<>();
            for (NDArray output : outputs) {
                shapes.add(output.getShape().getShape());
            }
            summary.put("arch", arch.cliName());
            summary.put("parameters", model.parameterCount());
            summary.put("stateDictKeys", model.stateDictShapes().size());
            summary.put("input", input.getShape());
            summary.put("outputs", shapes);
            List<String> sides = List.of("side1", "side2", "side3", "side4", "side5", "side6");
            summary.put(
                    "outputNames",
                    arch.fused()
                            ? Stream.concat(Stream.of("fused"), sides.stream()).toList()
                            : sides);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(summary));
        } else {
            out.printf("architecture     %s%n", arch.cliName());
            out.printf("parameters       %,d%n", (Long) summary.get("parameters"));
            out.printf("state_dict keys  %d%n", (Integer) summary.get("stateDictKeys"));
            out.printf("input            %s%n", new Shape((long[]) summary.get("input")));
            @SuppressWarnings("unchecked")
            List<long[]> shapes = (List<long[]>) summary.get("outputs");
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) summary.get("outputNames");
            for (int i = 0; i < shapes.size(); i++) {
                out.printf("output %-9s %s%n", names.get(i), new Shape(shapes.get(i)));
            }
        }
        out.flush();
        return 0;
    }
}
