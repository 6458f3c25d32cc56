package clearbg.jobs.options;

import clearbg.model.nn.Arch;
import clearbg.model.nn.U2Net;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.Precision;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The network options every command that predicts masks takes, declared once ({@code @Mixin}):
 * {@code --arch} (a check against the weights, which name their architecture), {@code --size} (the RescaleT
 * side the network sees), {@code --engine} and {@code --precision}. Yields {@link NetworkSettings}. The
 * weights themselves stay an option of each command: a local path for the local command, a Hadoop URI for
 * the jobs.
 */
public final class NetworkOptions {

    /** The smallest input side: U²-Net pools five times, so smaller inputs leave no spatial extent. */
    public static final int MIN_SIZE = U2Net.MIN_INPUT_SIZE;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--arch",
            converter = ArchOption.class,
            description = "u2net, u2netp or isnet: checked against the weights (default: detected from the weights)")
    Arch arch;

    @Option(
            names = "--size",
            defaultValue = "0",
            description = "network input side, the size the model was trained with (default 0: the architecture's own,"
                    + " 320 for u2net and u2netp, 1024 for isnet)")
    int size;

    @Option(
            names = "--engine",
            defaultValue = "auto",
            converter = EngineOption.class,
            description = EngineOption.DESCRIPTION)
    InferenceEngine engine;

    @Option(
            names = "--precision",
            defaultValue = "fp32",
            converter = PrecisionOption.class,
            description = PrecisionOption.DESCRIPTION)
    Precision precision;

    /**
     * The options as settings.
     *
     * @throws ParameterException (a usage error) when {@code --size} is neither 0 nor at least {@value #MIN_SIZE},
     *     or for
     *     {@code --precision bf16} with {@code --engine onnxruntime}
     */
    public NetworkSettings settings() {
        if (size != 0 && size < MIN_SIZE) {
            throw new ParameterException(spec.commandLine(), "--size must be at least " + MIN_SIZE + ", got " + size);
        }
        if (precision == Precision.BF16 && engine == InferenceEngine.ONNXRUNTIME) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--precision bf16 runs on libtorch (ONNX Runtime's CPU kernels compute in float32 only):"
                            + " use --engine auto or pytorch, or --precision fp32");
        }
        return new NetworkSettings(arch, size, engine, precision);
    }
}
