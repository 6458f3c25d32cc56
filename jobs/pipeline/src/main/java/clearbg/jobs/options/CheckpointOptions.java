package clearbg.jobs.options;

import clearbg.jobs.train.CheckpointPolicy;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** Checkpoint and start-from options of {@code clearbg train} and TrainJob, declared once ({@code @Mixin}). */
public final class CheckpointOptions {

    @Option(names = "--checkpoints", paramLabel = "URI", description = "checkpoint folder (default: OUT/checkpoints)")
    String folder;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "1000",
            description = "steps between checkpoints, besides every epoch end (default ${DEFAULT-VALUE})")
    int interval;

    @Option(
            names = "--keep-checkpoints",
            defaultValue = "3",
            description = "checkpoints kept (default ${DEFAULT-VALUE})")
    int keep;

    @Option(
            names = "--resume",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "continue from the newest checkpoint when there is one (default ${DEFAULT-VALUE})")
    boolean resume;

    @Option(
            names = "--init-weights",
            paramLabel = "URI",
            description = "start from these weights (.pth, safetensors or a checkpoint), e.g. to fine-tune")
    String initWeights;

    @Option(
            names = "--allow-changed-params",
            split = ",",
            paramLabel = "KEY",
            description = "resume although these training parameters differ from the checkpoint's (e.g. lr,crop);"
                    + " without it a resume with other parameters is refused, naming them")
    List<String> allowedChanges = List.of();

    /** The policy for the run folder {@code out} (URI without a trailing slash). */
    public CheckpointPolicy policy(String out) {
        String chosen = folder != null ? folder.replaceAll("/+$", "") : out + "/checkpoints";
        return new CheckpointPolicy(chosen, interval, keep, resume, initWeights, Set.copyOf(allowedChanges));
    }
}
