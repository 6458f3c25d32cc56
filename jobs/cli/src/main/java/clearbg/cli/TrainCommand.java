package clearbg.cli;

import ai.djl.engine.Engine;
import clearbg.jobs.files.DatasetLayout;
import clearbg.jobs.files.FileStore;
import clearbg.jobs.files.LocalFileStore;
import clearbg.jobs.options.AdamOptions;
import clearbg.jobs.options.CheckpointOptions;
import clearbg.jobs.options.ImageLimitsOptions;
import clearbg.jobs.options.StepOptions;
import clearbg.jobs.options.TrackingOptions;
import clearbg.jobs.options.TrainRecipeOptions;
import clearbg.jobs.train.EpochRunner;
import clearbg.jobs.train.SingleReplica;
import clearbg.jobs.train.TableSample;
import clearbg.jobs.train.TrainData;
import clearbg.jobs.train.TrainSettings;
import clearbg.jobs.train.TrainingLoop;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clearbg train}: TrainJob with one replica in this process, on a DUTS- or DIS5K-layout folder
 * instead of an image table. The options, the epoch plan, the per-sample seeds, the batches, the epoch
 * runner, the checkpoints and the run folder are TrainJob's ({@link TrainingLoop}, {@link EpochRunner}), so
 * the same data, seed and settings give the weights {@code TrainJob --workers 1} gives, bit for bit; the
 * samples are the pairs IngestJob would accept, under the ids it would give them.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Train U²-Net on one machine from a DUTS/DIS5K-layout folder (TrainJob with one local replica).",
            "Writes OUT/weights.safetensors, params.json, steps.csv, loss_curve.png and checkpoints/."
        })
final class TrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "data set root (DUTS or DIS5K layout)")
    private Path data;

    @Option(names = "--layout", defaultValue = "auto", description = "auto, duts or dis5k (default ${DEFAULT-VALUE})")
    private String layout;

    @Option(
            names = "--train-splits",
            split = ",",
            description = "splits to train on (default: the layout's training split)")
    private List<String> trainSplits;

    @Mixin
    private TrainRecipeOptions recipe;

    @Mixin
    private AdamOptions adam;

    @Mixin
    private CheckpointOptions checkpoints;

    @Mixin
    private TrackingOptions tracking;

    @Mixin
    private ImageLimitsOptions imageLimits;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "run folder")
    private Path out;

    @Mixin
    private StepOptions steps;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(data)) {
            throw new UsageException("--data " + data + ": no such folder");
        }
        DatasetLayout datasetLayout =
                layout.equalsIgnoreCase("auto") ? LocalTrainingSet.detect(data) : DatasetLayout.parse(layout);
        List<String> splits = trainSplits != null ? trainSplits : List.of(datasetLayout.trainingSplit());
        PrintWriter err = spec.commandLine().getErr();
        Map<String, TableSample> samples =
                LocalTrainingSet.load(data, datasetLayout, splits, imageLimits.limits(), err);
        err.flush();
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(data + ": no readable image/mask pairs in " + splits);
        }
        Files.createDirectories(out);
        String root = out.toAbsolutePath().normalize().toUri().toString().replaceAll("/+$", "");
        TrainSettings requested = new TrainSettings(
                recipe.recipe(),
                adam.settings(),
                new TrainData(data.toAbsolutePath().normalize().toString(), splits, null, 0, 0),
                checkpoints.policy(root),
                1,
                root,
                steps.logInterval(),
                Integer.MAX_VALUE,
                steps.prefetch(),
                steps.bucketMb());
        FileStore files = new LocalFileStore();
        List<String> ids = List.copyOf(samples.keySet());
        TrainingLoop loop = new TrainingLoop(requested, files, ids);
        TrainSettings settings = loop.settings(); // a checkpoint of several workers resumes with their global batch
        loop.run(
                tracking.settings(),
                Map.of("runner", "clearbg train"),
                (plan, epoch, stepsPerEpoch, runId) -> {
                    EpochRunner runner = new EpochRunner(
                            settings,
                            files,
                            new SingleReplica(),
                            Engine.getInstance().defaultDevice(),
                            log -> {});
                    return runner.run(
                            epoch,
                            stepsPerEpoch,
                            plan.shard(ids, 0).stream().map(samples::get).iterator(),
                            runId);
                },
                null,
                System.err);
        spec.commandLine().getOut().println("wrote " + out.resolve("weights.safetensors"));
        return 0;
    }
}
