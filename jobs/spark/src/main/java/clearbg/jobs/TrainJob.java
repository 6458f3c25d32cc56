package clearbg.jobs;

import clearbg.jobs.options.TrainRecipeOptions;
import clearbg.jobs.options.TrackingOptions;
import clearbg.jobs.options.StepOptions;
import clearbg.jobs.options.CheckpointOptions;
import clearbg.jobs.options.AdamOptions;
import clearbg.jobs.params.ParamsOption;
import clearbg.jobs.params.ParamsSections;
import clearbg.jobs.spark.HadoopFiles;
import clearbg.jobs.spark.ModelSpec;
import clearbg.jobs.spark.RankPartitioner;
import clearbg.jobs.spark.TrainEpochTask;
import clearbg.jobs.train.EpochPlan;
import clearbg.jobs.train.StepLog;
import clearbg.jobs.train.TableSample;
import clearbg.jobs.train.TrainData;
import clearbg.jobs.train.TrainSettings;
import clearbg.jobs.train.TrainingLoop;
import clearbg.jobs.train.TrainingRun;
import clearbg.jobs.tracking.TrackingSettings;
import clearbg.model.image.DecodeLimits;
import clearbg.model.metric.SodResult;
import clearbg.model.predict.InferenceEngine;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

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
@Command(name = "TrainJob", mixinStandardHelpOptions = true,
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

    private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");

    @Option(names = "--table", required = true, paramLabel = "URI", description = "IngestJob table (its root with manifest.json)")
    String table;

    @Option(names = "--train-splits", split = ",", defaultValue = "DUTS-TR", description = "splits to train on (default ${DEFAULT-VALUE})")
    List<String> trainSplits;

    @Option(names = "--eval-split", description = "split to evaluate max-F and MAE on, e.g. DUTS-TE (default: none)")
    String evalSplit;

    @Option(names = "--eval-interval", defaultValue = "1", description = "epochs between evaluations; 0: at the end only (default ${DEFAULT-VALUE})")
    int evalInterval;

    @Mixin
    TrainRecipeOptions recipe;

    @Mixin
    AdamOptions adam;

    @Option(names = "--workers", defaultValue = "1", description = "data-parallel replicas, one barrier task each (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--out", required = true, paramLabel = "URI", description = "run folder: weights.safetensors, params.json, steps.csv, loss_curve.png, eval/")
    String out;

    @Mixin
    CheckpointOptions checkpoints;

    @Mixin
    StepOptions steps;

    @Option(names = "--hash-interval", defaultValue = "100", description = "steps between the replicas' weight-hash checks (default ${DEFAULT-VALUE})")
    int hashInterval;

    @Mixin
    TrackingOptions tracking;

    @Option(names = "--timeout", defaultValue = "300", description = "seconds a replica waits on its peers before failing (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        TrainSettings settings = settings();
        Map<String, String> defaults = new LinkedHashMap<>(Map.of(
                "spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s",
                "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "15"));
        localCoresPerWorker(new SparkConf(), workers).ifPresent(cores -> defaults.put("spark.task.cpus", Integer.toString(cores)));
        try (SparkSession spark = SparkSessions.open("clearbg-train", defaults)) {
            return run(spark, settings, tracking.settings(), Duration.ofSeconds(timeoutSeconds));
        }
    }

    TrainSettings settings() {
        String root = out.replaceAll("/+$", "");
        return new TrainSettings(recipe.recipe(), adam.settings(), new TrainData(table, trainSplits, evalSplit, evalInterval),
                checkpoints.policy(root), workers, root, steps.logInterval(), hashInterval, steps.prefetch());
    }

    /**
     * Trains on {@code spark}, tracked as {@code tracking} says (a resumed training logs into the MLflow run
     * recorded in its checkpoint); returns the exit code.
     */
    public static int run(SparkSession spark, TrainSettings settings, TrackingSettings tracking, Duration timeout) throws Exception {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        requireSlots(context.getConf(), settings.workers());
        HadoopFiles files = new HadoopFiles(context.hadoopConfiguration());
        Dataset<Row> rows = openTable(spark, files, settings);
        Dataset<Row> training = rows.filter(functions.col("split").isin(settings.trainSplits().toArray())).select("id", "image", "mask");
        List<String> ids = new ArrayList<>(training.select("id").as(Encoders.STRING()).collectAsList());
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(settings.table() + ": the splits " + settings.trainSplits() + " hold no rows");
        }
        ids.sort(null);
        TrainingLoop loop = new TrainingLoop(settings, files, ids);
        JavaRDD<TableSample> samples = training.javaRDD()
                .map(row -> new TableSample(row.getString(0), (byte[]) row.get(1), (byte[]) row.get(2)))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        try {
            loop.run(tracking, tags(spark, files, settings), (plan, epoch, stepsPerEpoch, runId) -> trainEpoch(context, samples,
                    plan, new TrainEpochTask(settings, files, epoch, stepsPerEpoch, runId, timeout)),
                    settings.evalSplit() == null ? null : (checkpoint, step, name, run) -> evaluate(spark, settings, run, checkpoint, step, name),
                    System.err);
        } catch (SparkException e) {
            throw explain(e, settings);
        } finally {
            samples.unpersist();
        }
        System.out.println("TrainJob: weights in " + settings.out() + "/weights.safetensors");
        return 0;
    }

    /** The run's tags: the code's git commit (when spark-submit was given it), the application id, the table's content hash. */
    private static Map<String, String> tags(SparkSession spark, HadoopFiles files, TrainSettings settings) throws Exception {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("git_commit", spark.sparkContext().getConf().get(GIT_COMMIT_CONF, "unknown"));
        tags.put("spark_app_id", spark.sparkContext().applicationId());
        String manifest = settings.table().replaceAll("/+$", "") + "/manifest.json";
        if (files.exists(manifest)) {
            tags.put("table_manifest_hash", new ObjectMapper().readTree(files.read(manifest)).path("content_hash").asText(""));
        }
        return tags;
    }

    /**
     * Runs the epoch's barrier stage; returns replica 0's step logs in step order. The logs leave the barrier
     * stage through a shuffle into one partition, not straight to the driver, so that the barrier stage is a
     * shuffle-map stage: Spark aborts the job when a barrier result stage fails ("Could not recover from a
     * failed barrier ResultStage"), but runs a failed barrier shuffle-map stage again, whole, up to
     * {@code spark.stage.maxConsecutiveAttempts} times. A lost executor or a failed task thus ends in a new
     * attempt whose replicas resume from the newest checkpoint.
     */
    private static List<StepLog> trainEpoch(JavaSparkContext context, JavaRDD<TableSample> samples, EpochPlan epochPlan,
            TrainEpochTask task) {
        Broadcast<EpochPlan> plan = context.broadcast(epochPlan);
        JavaPairRDD<Long, TableSample> shards = samples
                .mapToPair(sample -> new Tuple2<>(plan.value().key(sample.id()), sample))
                .filter(pair -> pair._1() != null)
                .repartitionAndSortWithinPartitions(new RankPartitioner(task.workers()));
        context.setJobDescription(String.format("train epoch %d (%d steps)", task.epoch() + 1, task.stepsPerEpoch()));
        try {
            return trainShards(shards, task);
        } finally {
            plan.destroy();
        }
    }

    private static List<StepLog> trainShards(JavaPairRDD<Long, TableSample> shards, TrainEpochTask task) {
        ClassTag<StepLog> tag = ClassTag$.MODULE$.apply(StepLog.class);
        BarrierFunction function = partition -> CollectionConverters.asScala(task.train(CollectionConverters.asJava(partition)));
        List<StepLog> logs = new ArrayList<>(shards.rdd().barrier().mapPartitions(function, false, tag).toJavaRDD()
                .mapToPair(log -> new Tuple2<>(log.step(), log))
                .partitionBy(new HashPartitioner(1))
                .values()
                .collect());
        logs.sort(Comparator.comparingLong(StepLog::step));
        return logs;
    }

    /** The barrier stage's partition function, serialisable. */
    private interface BarrierFunction extends scala.Function1<scala.collection.Iterator<Tuple2<Long, TableSample>>,
            scala.collection.Iterator<StepLog>>, java.io.Serializable {
        @Override
        default scala.collection.Iterator<StepLog> apply(scala.collection.Iterator<Tuple2<Long, TableSample>> partition) {
            try {
                return applyChecked(partition);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        scala.collection.Iterator<StepLog> applyChecked(scala.collection.Iterator<Tuple2<Long, TableSample>> partition) throws Exception;
    }

    private static Dataset<Row> openTable(SparkSession spark, HadoopFiles files, TrainSettings settings) throws Exception {
        String path = EvalJob.tablePath(files, settings.table());
        if (!files.exists(path)) {
            throw new IllegalArgumentException("--table " + settings.table() + ": no table there (" + path + " does not exist)");
        }
        Dataset<Row> rows = spark.read().parquet(path);
        List<String> splits = rows.select("split").distinct().as(Encoders.STRING()).collectAsList();
        List<String> wanted = new ArrayList<>(settings.trainSplits());
        if (settings.evalSplit() != null) {
            wanted.add(settings.evalSplit());
        }
        for (String split : wanted) {
            if (!splits.contains(split)) {
                throw new IllegalArgumentException("--table " + settings.table() + " has no split " + split + " (it has "
                        + (splits.isEmpty() ? "no rows" : String.join(", ", splits.stream().sorted().toList())) + ")");
            }
        }
        return rows;
    }

    /**
     * On a local master ({@code local[N]}, {@code local[*]}), each replica's share of the cores,
     * {@code max(1, N / workers)}: the task's PyTorch threads when {@code spark.task.cpus} is not set (a
     * single replica on {@code local[*]} then uses every core, not one). Empty on a cluster master.
     */
    static Optional<Integer> localCoresPerWorker(SparkConf conf, int workers) {
        Matcher local = LOCAL_MASTER.matcher(conf.get("spark.master", "local[*]"));
        if (!local.matches() || conf.contains("spark.task.cpus")) {
            return Optional.empty();
        }
        return Optional.of(Math.max(1, localCores(local) / Math.max(1, workers)));
    }

    private static int localCores(Matcher local) {
        return local.group(1) == null ? 1 : local.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(local.group(1));
    }

    /** Fails before anything starts when a local master cannot run every replica at once. */
    static void requireSlots(SparkConf conf, int workers) {
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new IllegalArgumentException("barrier training needs spark.dynamicAllocation.enabled=false");
        }
        Matcher local = LOCAL_MASTER.matcher(conf.get("spark.master", "local[*]"));
        if (local.matches()) {
            int slots = localCores(local) / Math.max(1, conf.getInt("spark.task.cpus", 1));
            if (workers > slots) {
                throw new IllegalArgumentException("--workers " + workers + " needs " + workers + " task slots at once, but "
                        + conf.get("spark.master", "local[*]") + " has " + slots + "; lower --workers or give the master more cores");
            }
        }
    }

    private static RuntimeException explain(SparkException e, TrainSettings settings) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("SPARK-24819") || message.contains("BARRIER_JOB_SLOTS")) {
            return new IllegalArgumentException("--workers " + settings.workers() + " needs " + settings.workers()
                    + " task slots at once (spark.task.cpus each), more than the cluster offers; add executors or lower --workers", e);
        }
        return new IllegalStateException("training failed: " + message, e);
    }

    private static void evaluate(SparkSession spark, TrainSettings settings, TrainingRun run, String checkpoint, long step, String name)
            throws Exception {
        EvalSettings eval = new EvalSettings(null, null, new ModelSpec(checkpoint, settings.arch(), 4, settings.rescale(), InferenceEngine.AUTO), null,
                settings.out() + "/eval/" + name, 0, DecodeLimits.defaults(), settings.table(), List.of(settings.evalSplit()));
        Map<String, SodResult> results = EvalJob.evaluate(spark, eval);
        SodResult result = results.get(settings.evalSplit());
        if (result != null) {
            System.out.printf(Locale.ROOT, "TrainJob: %s on %s: max-F %.4f MAE %.4f%n", name, settings.evalSplit(), result.maxF(), result.mae());
            run.logEvaluation(result, step);
        }
    }

    /** Entry point for spark-submit. */
    public static void main(String[] args) {
        System.exit(JobCommandLine.execute(new TrainJob(), args));
    }
}
