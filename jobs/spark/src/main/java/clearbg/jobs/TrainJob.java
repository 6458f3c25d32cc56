package clearbg.jobs;

import clearbg.jobs.files.LocationRedaction;
import clearbg.jobs.options.AdamOptions;
import clearbg.jobs.options.CheckpointOptions;
import clearbg.jobs.options.StepOptions;
import clearbg.jobs.options.TrackingOptions;
import clearbg.jobs.options.TrainRecipeOptions;
import clearbg.jobs.params.ParamsOption;
import clearbg.jobs.params.ParamsSections;
import clearbg.jobs.spark.BarrierEpochs;
import clearbg.jobs.spark.BarrierSlots;
import clearbg.jobs.spark.EvalSettings;
import clearbg.jobs.spark.Evaluation;
import clearbg.jobs.spark.HadoopFiles;
import clearbg.jobs.spark.ModelSpec;
import clearbg.jobs.spark.RingChoice;
import clearbg.jobs.spark.RingOptions;
import clearbg.jobs.spark.TrainEpochTask;
import clearbg.jobs.spark.TrainingTable;
import clearbg.jobs.tracking.TrackingSettings;
import clearbg.jobs.train.TableSample;
import clearbg.jobs.train.TrainData;
import clearbg.jobs.train.TrainSettings;
import clearbg.jobs.train.TrainingLoop;
import clearbg.jobs.train.TrainingRun;
import clearbg.model.image.DecodeLimits;
import clearbg.model.metric.SodResult;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.Precision;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class clearbg.jobs.TrainJob}: trains U²-Net data-parallel on the splits of an
 * IngestJob table. Each epoch is one Spark barrier stage of {@code --workers} tasks, one replica each: the
 * samples are shuffled with the epoch's seed and sharded by rank ({@link EpochPlan}), the gradients are
 * averaged with a ring all-reduce after every backward pass, and checkpoints go to any Hadoop file system.
 * When a task or an executor dies Spark retries the stage, which resumes from the newest checkpoint; a
 * later submission of the same command resumes too. Defaults are the paper's recipe: Adam lr 1e-3, betas
 * (0.9, 0.999), eps 1e-8, no weight decay, batch 12, RescaleT(320), RandomCrop(288), with the original
 * code's random vertical flip; the paper's horizontal flip is the offline {@code IngestJob --flip}.
 */
@Command(
        name = "TrainJob",
        mixinStandardHelpOptions = true,
        description = "Train U²-Net data-parallel on an IngestJob table, with checkpoints and resume.")
public final class TrainJob implements Callable<Integer>, ParamsSections {

    @Mixin
    ParamsOption params;

    @Override
    public List<String> paramsSections() {
        return List.of("model", "train", "tracking");
    }

    /** The Spark setting that carries the git commit of the submitted code ({@code scripts/spark-submit} sets it). */
    public static final String GIT_COMMIT_CONF = "spark.clearbg.gitCommit";

    @Option(
            names = "--table",
            required = true,
            paramLabel = "URI",
            description = "IngestJob table (its root with manifest.json)")
    String table;

    @Option(
            names = "--train-splits",
            split = ",",
            defaultValue = "DUTS-TR",
            description = "splits to train on (default ${DEFAULT-VALUE})")
    List<String> trainSplits;

    @Option(names = "--eval-split", description = "split to evaluate max-F and MAE on, e.g. DUTS-TE (default: none)")
    String evalSplit;

    @Option(
            names = "--eval-interval",
            defaultValue = "1",
            description = "epochs between evaluations; 0: at the end only (default ${DEFAULT-VALUE})")
    int evalInterval;

    @Option(
            names = "--early-stopping",
            paramLabel = "N",
            defaultValue = "0",
            description = "stop after N evaluations (--eval-interval) without a better max-F; the best evaluated"
                    + " checkpoint's weights are then the result (weights.safetensors); the DIS recipe uses 20;"
                    + " 0: off (default ${DEFAULT-VALUE})")
    int earlyStopping;

    @Mixin
    TrainRecipeOptions recipe;

    @Mixin
    AdamOptions adam;

    @Option(
            names = "--workers",
            defaultValue = "1",
            description = "data-parallel replicas, one barrier task each (default ${DEFAULT-VALUE})")
    int workers;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "URI",
            description = "run folder: weights.safetensors, params.json, steps.csv, loss_curve.png, eval/")
    String out;

    @Mixin
    CheckpointOptions checkpoints;

    @Mixin
    StepOptions steps;

    @Option(
            names = "--hash-interval",
            defaultValue = "100",
            description = "steps between the replicas' weight-hash checks (default ${DEFAULT-VALUE})")
    int hashInterval;

    @Mixin
    TrackingOptions tracking;

    @Mixin
    RingOptions ring;

    @Override
    public Integer call() throws Exception {
        TrainSettings settings = settings();
        try (SparkSession spark =
                SparkSessions.open("clearbg-train", BarrierSlots.sessionDefaults(new SparkConf(), workers))) {
            return run(spark, settings, tracking.settings(), ring.choice());
        }
    }

    TrainSettings settings() {
        String root = out.replaceAll("/+$", "");
        return new TrainSettings(
                recipe.recipe(),
                adam.settings(),
                new TrainData(table, trainSplits, evalSplit, evalInterval, earlyStopping),
                checkpoints.policy(root),
                workers,
                root,
                steps.logInterval(),
                hashInterval,
                steps.prefetch(),
                steps.bucketMb());
    }

    /**
     * Trains on {@code spark}, tracked as {@code tracking} says (a resumed training logs into the MLflow run
     * recorded in its checkpoint); returns the exit code. A resume with another number of workers than the
     * checkpoint's keeps its global batch ({@link TrainingLoop#settings()}).
     */
    public static int run(SparkSession spark, TrainSettings requested, TrackingSettings tracking, RingChoice ring)
            throws Exception {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        BarrierSlots.requireSlots(context.getConf(), requested.workers());
        HadoopFiles files = new HadoopFiles(context.hadoopConfiguration());
        TrainingTable table =
                TrainingTable.open(spark, files, requested.table(), requested.trainSplits(), requested.evalSplit());
        TrainingLoop loop = new TrainingLoop(requested, files, table.ids());
        TrainSettings settings = loop.settings(); // a resume with other workers keeps the global batch
        JavaRDD<TableSample> samples = table.samples().persist(StorageLevel.MEMORY_AND_DISK_SER());
        BarrierEpochs epochs = new BarrierEpochs(context, samples);
        try {
            loop.run(
                    tracking,
                    tags(spark, table, ring),
                    (plan, epoch, stepsPerEpoch, runId) ->
                            epochs.train(plan, new TrainEpochTask(settings, files, epoch, stepsPerEpoch, runId, ring)),
                    settings.evalSplit() == null
                            ? null
                            : (checkpoint, step, name, run) -> evaluate(spark, settings, run, checkpoint, step, name),
                    System.err);
        } catch (SparkException e) {
            throw BarrierSlots.explain(e, settings.workers());
        } finally {
            samples.unpersist();
        }
        System.out.println(
                "TrainJob: weights in " + LocationRedaction.withoutSecrets(settings.out() + "/weights.safetensors"));
        return 0;
    }

    /**
     * The run's tags: the code's git commit (when spark-submit was given it), the application id, the table's content
     * hash.
     */
    private static Map<String, String> tags(SparkSession spark, TrainingTable table, RingChoice ring) {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("allreduce_precision", ring.wire().name().toLowerCase(Locale.ROOT));
        tags.put("git_commit", spark.sparkContext().getConf().get(GIT_COMMIT_CONF, "unknown"));
        tags.put("spark_app_id", spark.sparkContext().applicationId());
        if (!table.manifest().contentHash().isEmpty()) {
            tags.put("table_manifest_hash", table.manifest().contentHash());
        }
        return tags;
    }

    /** Evaluates {@code checkpoint} on the evaluation split; returns its max-F (NaN when the split had no samples). */
    private static double evaluate(
            SparkSession spark, TrainSettings settings, TrainingRun run, String checkpoint, long step, String name)
            throws Exception {
        EvalSettings eval = new EvalSettings(
                null,
                null,
                new ModelSpec(checkpoint, settings.arch(), 4, settings.rescale(), InferenceEngine.AUTO, Precision.FP32),
                null,
                settings.out() + "/eval/" + name,
                0,
                DecodeLimits.defaults(),
                settings.table(),
                List.of(settings.evalSplit()));
        SodResult result = Evaluation.run(spark, eval).get(settings.evalSplit());
        if (result != null) {
            System.out.printf(
                    Locale.ROOT,
                    "TrainJob: %s on %s: max-F %.4f MAE %.4f%n",
                    name,
                    settings.evalSplit(),
                    result.maxF(),
                    result.mae());
            run.logEvaluation(result, step);
        }
        return result == null ? Double.NaN : result.maxF();
    }

    /** Entry point for spark-submit. */
    public static void main(String[] args) {
        System.exit(JobCommandLine.execute(new TrainJob(), args));
    }
}
