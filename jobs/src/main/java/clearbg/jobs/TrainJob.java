package clearbg.jobs;

import clearbg.jobs.params.ParamsOption;
import clearbg.jobs.params.ParamsSections;
import clearbg.jobs.spark.HadoopFiles;
import clearbg.jobs.spark.ModelSpec;
import clearbg.jobs.spark.RankPartitioner;
import clearbg.jobs.spark.TrainEpochTask;
import clearbg.jobs.train.CheckpointInfo;
import clearbg.jobs.train.CheckpointStore;
import clearbg.jobs.train.EpochPlan;
import clearbg.jobs.train.StepHistory;
import clearbg.jobs.train.StepLog;
import clearbg.jobs.train.TableSample;
import clearbg.jobs.train.TrainCheckpoint;
import clearbg.jobs.train.TrainSettings;
import clearbg.jobs.train.TrainingRun;
import clearbg.jobs.tracking.RunTracker;
import clearbg.jobs.tracking.Trackers;
import clearbg.jobs.tracking.TrackingSettings;
import clearbg.model.image.DecodeLimits;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.metric.SodResult;
import clearbg.model.nn.Arch;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.train.BatchNormMode;
import clearbg.model.transform.FlipMode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

    @Option(names = "--arch", defaultValue = "u2net", converter = ArchOption.class, description = "u2net or u2netp (default ${DEFAULT-VALUE})")
    Arch arch;

    @Option(names = "--epochs", defaultValue = "100000", description = "epochs (default ${DEFAULT-VALUE}, the original code's)")
    int epochs;

    @Option(names = "--max-steps", defaultValue = "600000", description = "stop after this many steps; 0: no limit (default ${DEFAULT-VALUE}, the paper's)")
    long maxSteps;

    @Option(names = "--batch", defaultValue = "12", description = "images per worker and step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--rescale", defaultValue = "320", description = "RescaleT size (default ${DEFAULT-VALUE})")
    int rescale;

    @Option(names = "--crop", defaultValue = "288", description = "RandomCrop size (default ${DEFAULT-VALUE})")
    int crop;

    @Option(names = "--flip", defaultValue = "vertical", description = "online random flip: none, horizontal, vertical, both (default ${DEFAULT-VALUE})")
    String flip;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--beta1", defaultValue = "0.9", description = "Adam beta1 (default ${DEFAULT-VALUE})")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.999", description = "Adam beta2 (default ${DEFAULT-VALUE})")
    double beta2;

    @Option(names = "--eps", defaultValue = "1e-8", description = "Adam eps (default ${DEFAULT-VALUE})")
    double eps;

    @Option(names = "--weight-decay", defaultValue = "0", description = "Adam weight decay (default ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--batch-norm", defaultValue = "batch", description = "batch: per-replica batch statistics; frozen: running statistics fixed (default ${DEFAULT-VALUE})")
    String batchNorm;

    @Option(names = "--workers", defaultValue = "1", description = "data-parallel replicas, one barrier task each (default ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--seed", defaultValue = "0", description = "initialisation, data order and augmentation seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "URI", description = "run folder: weights.safetensors, params.json, steps.csv, loss_curve.png, eval/")
    String out;

    @Option(names = "--checkpoints", paramLabel = "URI", description = "checkpoint folder (default: OUT/checkpoints)")
    String checkpoints;

    @Option(names = "--checkpoint-interval", defaultValue = "1000", description = "steps between checkpoints, besides every epoch end (default ${DEFAULT-VALUE})")
    int checkpointInterval;

    @Option(names = "--keep-checkpoints", defaultValue = "3", description = "checkpoints kept (default ${DEFAULT-VALUE})")
    int keepCheckpoints;

    @Option(names = "--resume", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "continue from the newest checkpoint when there is one (default ${DEFAULT-VALUE})")
    boolean resume;

    @Option(names = "--init-weights", paramLabel = "URI", description = "start from these weights (.pth, safetensors or a checkpoint), e.g. to fine-tune")
    String initWeights;

    @Option(names = "--log-interval", defaultValue = "20", description = "steps between progress lines (default ${DEFAULT-VALUE})")
    int logInterval;

    @Option(names = "--hash-interval", defaultValue = "100", description = "steps between the replicas' weight-hash checks (default ${DEFAULT-VALUE})")
    int hashInterval;

    @Option(names = "--tracking-uri", paramLabel = "URI",
            description = "MLflow tracking server, e.g. http://127.0.0.1:5000 (default: $MLFLOW_TRACKING_URI; none: no tracking)")
    String trackingUri;

    @Option(names = "--experiment", defaultValue = "clearbg", description = "MLflow experiment of a new run (default ${DEFAULT-VALUE})")
    String experiment;

    @Option(names = "--run-name", description = "MLflow run name (default: chosen by the server)")
    String runName;

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
            return run(spark, settings, tracking(), Duration.ofSeconds(timeoutSeconds));
        }
    }

    TrackingSettings tracking() {
        URI uri = trackingUri != null && !trackingUri.isBlank() ? TrackingSettings.parseTrackingUri(trackingUri) : TrackingSettings.trackingUriFrom(System.getenv());
        return new TrackingSettings(uri, experiment, runName);
    }

    TrainSettings settings() {
        String root = out.replaceAll("/+$", "");
        return new TrainSettings(arch, table, trainSplits, evalSplit, epochs, maxSteps, batch, rescale, crop,
                FlipMode.valueOf(flip.trim().toUpperCase(Locale.ROOT)), learningRate, beta1, beta2, eps, weightDecay,
                batchNormMode(batchNorm), workers, seed, root,
                checkpoints != null ? checkpoints.replaceAll("/+$", "") : root + "/checkpoints", checkpointInterval,
                keepCheckpoints, resume, initWeights, evalInterval, logInterval, hashInterval);
    }

    private static BatchNormMode batchNormMode(String value) {
        if (value.equalsIgnoreCase("batch")) {
            return BatchNormMode.BATCH_STATISTICS;
        }
        if (value.equalsIgnoreCase("frozen")) {
            return BatchNormMode.FROZEN;
        }
        throw new IllegalArgumentException("--batch-norm must be batch or frozen, got " + value);
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
        int stepsPerEpoch = EpochPlan.of(ids, settings.seed(), 0, settings.workers(), settings.batch()).stepsPerEpoch();
        long totalSteps = (long) stepsPerEpoch * settings.epochs();
        if (settings.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, settings.maxSteps());
        }
        CheckpointStore store = new CheckpointStore(files, settings.checkpoints(), settings.keepCheckpoints());
        Optional<CheckpointInfo> resumed = settings.resume() ? latestInfo(store) : Optional.empty();
        if (!settings.resume() && store.latest().isPresent()) {
            throw new IllegalArgumentException(settings.checkpoints() + " already holds checkpoints and --no-resume was given; "
                    + "use another --checkpoints folder or remove them");
        }
        long step = resumed.map(CheckpointInfo::step).orElse(0L);
        int epoch = resumed.map(CheckpointInfo::epoch).orElse(0);
        System.out.printf("TrainJob: %s on %d samples of %s, %d workers x batch %d, %d steps per epoch, %d steps in all%s%n",
                settings.arch().cliName(), ids.size(), settings.trainSplits(), settings.workers(), settings.batch(), stepsPerEpoch,
                totalSteps, resumed.map(info -> ", resuming at step " + info.step()).orElse(""));
        files.write(settings.out() + "/params.json", settings.paramsJson().getBytes(StandardCharsets.UTF_8));
        String trackedRun = resumed.map(CheckpointInfo::trackingRunId).orElse("");
        try (RunTracker tracker = Trackers.open(trackedRun.isEmpty() || !tracking.enabled() ? tracking : tracking.resuming(trackedRun), System.err)) {
            TrainingRun run = new TrainingRun(tracker, files);
            run.start(settings.asParams(), tags(spark, files, settings), step);
            train(spark, settings, run, ids, training, store, step, epoch, totalSteps, stepsPerEpoch, timeout);
            run.logArtifacts(settings.out(), List.of("weights.safetensors", "params.json", "loss_curve.png"));
            run.finish();
        }
        System.out.println("TrainJob: weights in " + settings.out() + "/weights.safetensors");
        return 0;
    }

    private static void train(SparkSession spark, TrainSettings settings, TrainingRun run, List<String> ids, Dataset<Row> training,
            CheckpointStore store, long firstStep, int firstEpoch, long totalSteps, int stepsPerEpoch, Duration timeout) throws Exception {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = new HadoopFiles(context.hadoopConfiguration());
        long step = firstStep;
        int epoch = firstEpoch;
        JavaRDD<TableSample> samples = training.javaRDD()
                .map(row -> new TableSample(row.getString(0), (byte[]) row.get(1), (byte[]) row.get(2)))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        StepHistory history = new StepHistory(files, settings.out());
        try {
            while (step < totalSteps) {
                Broadcast<EpochPlan> plan = context.broadcast(EpochPlan.of(ids, settings.seed(), epoch, settings.workers(), settings.batch()));
                JavaPairRDD<Long, TableSample> shards = samples
                        .mapToPair(sample -> new Tuple2<>(plan.value().key(sample.id()), sample))
                        .filter(pair -> pair._1() != null)
                        .repartitionAndSortWithinPartitions(new RankPartitioner(settings.workers()));
                context.setJobDescription(String.format("train epoch %d/%d (steps %d-%d)", epoch + 1, settings.epochs(),
                        step + 1, Math.min(totalSteps, (long) (epoch + 1) * stepsPerEpoch)));
                List<StepLog> logs = trainEpoch(shards, new TrainEpochTask(settings, files, epoch, stepsPerEpoch, run.runId(), timeout));
                plan.destroy();
                history.append(logs);
                long stageStart = step; // a stage resumed mid-epoch also returns the steps before; an earlier submission logged those
                run.logSteps(logs.stream().filter(log -> log.step() > stageStart).toList());
                CheckpointInfo info = store.readInfo(store.latest().orElseThrow());
                step = info.step();
                epoch = info.epoch();
                if (settings.evalSplit() != null && settings.evalInterval() > 0 && epoch % settings.evalInterval() == 0 && step < totalSteps) {
                    evaluate(spark, settings, run, store.latest().orElseThrow(), step, "epoch-" + epoch);
                }
            }
        } catch (SparkException e) {
            throw explain(e, settings);
        } finally {
            samples.unpersist();
        }
        String latest = store.latest().orElseThrow();
        writeFinalWeights(files, store.read(latest), settings.out() + "/weights.safetensors");
        files.write(settings.out() + "/loss_curve.png", history.lossCurvePng());
        if (settings.evalSplit() != null) {
            evaluate(spark, settings, run, latest, step, "final");
        }
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
    private static List<StepLog> trainEpoch(JavaPairRDD<Long, TableSample> shards, TrainEpochTask task) {
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

    private static Optional<CheckpointInfo> latestInfo(CheckpointStore store) throws Exception {
        Optional<String> latest = store.latest();
        return latest.isPresent() ? Optional.of(store.readInfo(latest.get())) : Optional.empty();
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

    private static void writeFinalWeights(HadoopFiles files, TrainCheckpoint checkpoint, String uri) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CheckpointInfo info = checkpoint.info();
        SafetensorsWriter.write(checkpoint.weights(), bytes, Map.of("arch", info.arch().cliName(), "step", Long.toString(info.step()),
                "params", info.paramsJson()));
        files.write(uri, bytes.toByteArray());
    }

    /** Entry point for spark-submit. */
    public static void main(String[] args) {
        System.exit(JobCommandLine.execute(new TrainJob(), args));
    }
}
