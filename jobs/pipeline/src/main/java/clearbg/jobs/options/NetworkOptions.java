package clearbg.jobs.options;

import clearbg.model.nn.Arch;
import clearbg.model.nn.U2Net;
import clearbg.model.predict.InferenceEngine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The network options every command that predicts masks takes, declared once ({@code @Mixin}):
 * {@code --arch} (a check against the weights, which name their architecture), {@code --size} (the RescaleT
 * side the network sees) and {@code --engine}. Yields {@link NetworkSettings}. The weights themselves stay an
 * option of each command: a local path for the local command, a Hadoop URI for the jobs.
 */
public final class NetworkOptions {

    /** The smallest input side: U²-Net pools five times, so smaller inputs leave no spatial extent. */
    public static final int MIN_SIZE = U2Net.MIN_INPUT_SIZE;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--arch",
            converter = ArchOption.class,
            description = "u2net or u2netp: checked against the weights (default: detected from the weights)")
    Arch arch;

    @Option(
            names = "--size",
            defaultValue = "320",
            description = "network input side, the RescaleT size the model was trained with (default ${DEFAULT-VALUE})")
    int size;

    @Option(
            names = "--engine",
            defaultValue = "auto",
            converter = EngineOption.class,
            description = EngineOption.DESCRIPTION)
    InferenceEngine engine;

    /**
     * The options as settings.
     *
     * @throws ParameterException (a usage error) when {@code --size} is below {@value #MIN_SIZE}
     */
    public NetworkSettings settings() {
        if (size < MIN_SIZE) {
            throw new ParameterException(spec.commandLine(), "--size must be at least " + MIN_SIZE + ", got " + size);
        }
        return new NetworkSettings(arch, size, engine);
    }
}
