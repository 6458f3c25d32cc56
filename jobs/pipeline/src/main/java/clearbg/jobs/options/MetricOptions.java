package clearbg.jobs.options;

import clearbg.jobs.report.PerImageOrder;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options of the commands that score maps, declared once ({@code @Mixin}): {@code --dis-metrics} (HCE, IoU /
 * Dice and relaxFb besides the salient-object metrics; {@code --no-dis-metrics}: not) and {@code --sort-per-image}
 * (the order of the per-image CSV, worst first by {@code mae} or {@code hce}).
 */
public final class MetricOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--dis-metrics",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "also compute HCE, IoU / Dice and relaxFb (default ${DEFAULT-VALUE}; --no-dis-metrics: not)")
    boolean disMetrics;

    @Option(
            names = "--sort-per-image",
            defaultValue = "mae",
            paramLabel = "mae|hce",
            description = "the per-image CSV worst first by mae or hce (default ${DEFAULT-VALUE})")
    String sortPerImage;

    /** Whether the DIS metrics are computed. */
    public boolean dis() {
        return disMetrics;
    }

    /**
     * The per-image order.
     *
     * @throws ParameterException (a usage error) for an unknown order, or {@code hce} without the DIS metrics
     */
    public PerImageOrder perImageOrder() {
        PerImageOrder order;
        try {
            order = PerImageOrder.parse(sortPerImage);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--sort-per-image: " + e.getMessage());
        }
        if (order == PerImageOrder.HCE && !disMetrics) {
            throw new ParameterException(
                    spec.commandLine(), "--sort-per-image hce needs the DIS metrics (drop --no-dis-metrics)");
        }
        return order;
    }
}
