package clearbg.jobs.options;

import clearbg.model.optim.AdamSettings;
import picocli.CommandLine.Option;

/** Adam's options, declared once ({@code @Mixin}); the defaults are the paper's. */
public final class AdamOptions {

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--beta1", defaultValue = "0.9", description = "Adam beta1 (default ${DEFAULT-VALUE})")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.999", description = "Adam beta2 (default ${DEFAULT-VALUE})")
    double beta2;

    @Option(names = "--eps", defaultValue = "1e-8", description = "Adam eps (default ${DEFAULT-VALUE})")
    double eps;

    @Option(
            names = "--weight-decay",
            defaultValue = "0",
            description = "Adam weight decay, L2 added to the gradient (default ${DEFAULT-VALUE})")
    double weightDecay;

    /** The settings, checked. */
    public AdamSettings settings() {
        return new AdamSettings(learningRate, beta1, beta2, eps, weightDecay);
    }
}
