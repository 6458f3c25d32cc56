package clearbg.jobs.options;

import picocli.CommandLine.Option;

/** How each replica runs its steps, for {@code clearbg train} and TrainJob, declared once ({@code @Mixin}). */
public final class StepOptions {

    @Option(
            names = "--log-interval",
            defaultValue = "20",
            description = "steps between progress lines (default ${DEFAULT-VALUE})")
    int logInterval;

    @Option(
            names = "--prefetch",
            defaultValue = "2",
            description = "batches each replica decodes and augments ahead while a step runs, side by side on as many "
                    + "background threads; 0: in the step's thread (default ${DEFAULT-VALUE})")
    int prefetch;

    @Option(
            names = "--bucket-mb",
            defaultValue = "25",
            description = "with several workers and the native bridge: MiB of gradients per bucket, each bucket's "
                    + "all-reduce started during backward as soon as its gradients are ready (as DDP); 0: the "
                    + "whole exchange after backward (default ${DEFAULT-VALUE})")
    int bucketMb;

    /** Steps between progress lines. */
    public int logInterval() {
        return logInterval;
    }

    /** Batches prepared ahead. */
    public int prefetch() {
        return prefetch;
    }

    /** MiB of gradients per bucket exchanged during backward; 0 for the exchange after backward. */
    public int bucketMb() {
        return bucketMb;
    }
}
