package clearbg.jobs;

import clearbg.jobs.files.LocationRedaction;
import clearbg.jobs.files.OutputLayout;
import clearbg.jobs.files.Sha256;
import clearbg.jobs.options.AlphaMattingOptions;
import clearbg.jobs.options.ImageLimitsOptions;
import clearbg.jobs.options.NetworkOptions;
import clearbg.jobs.options.PostProcessOption;
import clearbg.jobs.options.RgbaOption;
import clearbg.jobs.params.ParamsOption;
import clearbg.jobs.params.ParamsSections;
import clearbg.jobs.remove.PixelSettings;
import clearbg.jobs.remove.PlannedInput;
import clearbg.jobs.remove.PriorRecord;
import clearbg.jobs.remove.RecordedOutcome;
import clearbg.jobs.remove.RemoveOutcome;
import clearbg.jobs.remove.RemoveSettings;
import clearbg.jobs.remove.RunManifest;
import clearbg.jobs.spark.HadoopFiles;
import clearbg.jobs.spark.InputList;
import clearbg.jobs.spark.ModelSpec;
import clearbg.jobs.spark.OutputRecords;
import clearbg.jobs.spark.OutputVerifier;
import clearbg.jobs.spark.RemovePartitionWorker;
import clearbg.model.image.Rgba;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import scala.Tuple2;

/**
 * {@code spark-submit --class clearbg.jobs.RemoveBackgroundJob}: removes the backgrounds of every image
 * under an input prefix (recursively) into an output prefix with the same relative keys
 * ({@code a/b/c.jpg -> a/b/c.png}, the mask beside it as {@code a/b/c.mask.png}). Each processed input gets an
 * output record ({@link OutputRecords}: input version, outputs' SHA-256, weights hash, settings fingerprint); a
 * re-run skips an input only when its newest record is done, matches the input's current version, the weights and
 * the pixel settings, and its outputs exist ({@link PriorRecord#redoReason}); {@code --overwrite} redoes all. Each
 * output is written whole or not at all; inputs are only read. A run report (Parquet, one row per input key, a JSON
 * summary and a manifest of the report and record files with their SHA-256) goes to
 * {@code <output>/_reports/<run-id>/}. {@code --verify} checks the outputs against their records instead. Exit
 * codes: 0 nothing failed, 3 finished with failed images (see the report), 4 verification found disagreements,
 * 1 the job itself failed, 2 usage error. This class only parses: {@link #run(SparkSession, RemoveJobSettings)} is
 * the job.
 */
@Command(
        name = "RemoveBackgroundJob",
        mixinStandardHelpOptions = true,
        description =
                "Remove the backgrounds of all images under a prefix of any Hadoop file system (s3a://, file://).")
public final class RemoveBackgroundJob implements Callable<Integer>, ParamsSections {

    @Mixin
    ParamsOption params;

    @Override
    public List<String> paramsSections() {
        return List.of("model", "remove");
    }

    /** Exit code of a run that finished but could not process some images. */
    public static final int SOME_FAILED = 3;

    private static final StructType REPORT_SCHEMA = new StructType()
            .add("run_id", DataTypes.StringType, false)
            .add("key", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false)
            .add("millis", DataTypes.DoubleType, false)
            .add("decode_ms", DataTypes.DoubleType, false)
            .add("predict_ms", DataTypes.DoubleType, false)
            .add("encode_ms", DataTypes.DoubleType, false)
            .add("write_ms", DataTypes.DoubleType, false);

    @Mixin
    NetworkOptions network;

    @Option(names = "--input", paramLabel = "URI", description = "bucket or prefix to read (recursive)")
    String input;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "prefix to write under")
    String output;

    @Option(names = "--weights", paramLabel = "URI", description = ".pth or safetensors weights")
    String weights;

    @Option(
            names = "--format",
            defaultValue = "cutout",
            description = "cutout, mask or both (default ${DEFAULT-VALUE})")
    String format;

    @Option(
            names = "--bgcolor",
            converter = RgbaOption.class,
            paramLabel = "R,G,B[,A]",
            description = "composite cut-outs on this colour instead of transparency")
    Rgba background;

    @Option(names = "--batch", defaultValue = "4", description = "images per forward pass (default ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    ImageLimitsOptions imageLimits;

    @Option(names = "--overwrite", description = "redo every input, whatever its output record says")
    boolean overwrite;

    @Option(names = "--post-process", description = PostProcessOption.DESCRIPTION)
    boolean postProcess;

    @Mixin
    AlphaMattingOptions alphaMatting;

    @Option(names = "--partitions", defaultValue = "0", description = "task count (default: Spark's parallelism)")
    int partitions;

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");

    @Option(
            names = "--input-list",
            paramLabel = "URI",
            description = "take the inputs from this list instead of listing --input: an S3 Inventory manifest.json"
                    + " (CSV or Parquet inventory), or a CSV (one key per line, or a 'key' column) or Parquet ('key'"
                    + " column) of keys relative to --input")
    String inputList;

    @Option(
            names = "--since",
            paramLabel = "RUN_ID|TIME",
            description = "take only inputs modified after that run's start (its _reports/<id>/summary.json) or"
                    + " after that ISO-8601 instant (e.g. 2026-01-31T02:15:00Z)")
    String since;

    @Option(
            names = "--verify",
            description = "process nothing: re-hash every recorded output under --output and list the outputs whose"
                    + " checksum disagrees with its newest record, the missing ones and those without a record"
                    + " (exit code " + OutputVerifier.DISAGREES + " when any)")
    boolean verify;

    @Option(
            names = "--run-id",
            description = "name of this run's report folder (default: UTC time and a random suffix)")
    String runId;

    @Override
    public Integer call() throws Exception {
        RemoveJobSettings settings = settings();
        try (SparkSession spark = SparkSessions.open("clearbg-remove-background")) {
            return run(spark, settings);
        }
    }

    /** The parsed options as settings; a usage error (exit 2) when they do not fit together. */
    RemoveJobSettings settings() {
        CommandLine commandLine = new CommandLine(this);
        if (!verify && (input == null || weights == null)) {
            throw new CommandLine.ParameterException(
                    commandLine, "--input and --weights are required (only --verify goes without them)");
        }
        if (runId != null && (!RUN_ID.matcher(runId).matches() || runId.equals(OutputRecords.RESERVED_RUN_ID))) {
            throw new CommandLine.ParameterException(
                    commandLine,
                    "--run-id '" + runId + "' must be letters, digits, '.', '_' or '-' (at most 100), not starting"
                            + " with '.', and not " + OutputRecords.RESERVED_RUN_ID
                            + ": it names the report folder under "
                            + RemovePlan.REPORTS + "/");
        }
        OutputLayout.Format layout = parseFormat(format);
        RemoveSettings removal = new RemoveSettings(
                overwrite,
                layout == OutputLayout.Format.MASK ? null : background,
                postProcess,
                layout == OutputLayout.Format.MASK ? null : alphaMatting.settings(),
                batch,
                System.currentTimeMillis());
        String id = runId != null
                ? runId
                : DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
                                .withZone(ZoneOffset.UTC)
                                .format(Instant.now())
                        + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new RemoveJobSettings(
                input,
                output,
                weights,
                layout,
                network.settings(),
                removal,
                imageLimits.limits(),
                partitions,
                id,
                verify,
                inputList,
                since);
    }

    /** The settings that {@code args} give, without running anything (for tests that call {@link #run}). */
    public static RemoveJobSettings parse(String... args) {
        RemoveBackgroundJob job = new RemoveBackgroundJob();
        new CommandLine(job).parseArgs(args);
        return job.settings();
    }

    private static OutputLayout.Format parseFormat(String value) {
        try {
            return OutputLayout.Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be cutout, mask or both, got '" + value + "'");
        }
    }

    /**
     * Runs the removal (or, with {@link RemoveJobSettings#verify()}, the verification) on {@code spark}; returns the
     * exit code: 0, {@link #SOME_FAILED}, or {@link OutputVerifier#DISAGREES}.
     */
    public static int run(SparkSession spark, RemoveJobSettings settings) throws Exception {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = new HadoopFiles(context.hadoopConfiguration());
        if (settings.verify()) {
            return OutputVerifier.verify(spark, files, settings.outputRoot(), System.out);
        }
        if (!files.exists(settings.weights())) {
            throw new IllegalArgumentException("--weights " + settings.weights() + ": no such file");
        }
        String outputRoot = settings.outputRoot();
        String id = settings.runId();
        String reportDir = outputRoot + "/" + RemovePlan.REPORTS + "/" + id;
        if (files.exists(reportDir)) {
            throw new IllegalArgumentException("--run-id " + id + ": a run with this id already reported under "
                    + LocationRedaction.withoutSecrets(reportDir) + "; choose another id or leave it out");
        }
        Instant started = Instant.ofEpochMilli(settings.removal().runStartedMillis());
        long listStart = System.nanoTime();
        String inputRoot = settings.input().replaceAll("/+$", "");
        List<HadoopFiles.Entry> entries;
        List<RemoveOutcome> unlisted = List.of();
        if (settings.inputList() != null) {
            InputList.Objects listed = InputList.read(spark, files, settings.inputList(), inputRoot);
            entries = listed.entries();
            unlisted = listed.refused();
        } else {
            entries = files.listEntries(inputRoot);
        }
        if (settings.since() != null) {
            long after = Since.millis(files, outputRoot, settings.since());
            entries = entries.stream()
                    .filter(e -> e.modified() < 0 || e.modified() > after)
                    .toList();
        }
        RemovePlan plan =
                RemovePlan.of(files, inputRoot, outputRoot, new OutputLayout(settings.format()), entries, unlisted);
        double listMillis = (System.nanoTime() - listStart) / 1e6;

        String weightsSha256;
        try (InputStream in = files.open(settings.weights())) {
            weightsSha256 = Sha256.of(in);
        }
        PixelSettings pixels = PixelSettings.of(settings.network(), settings.format(), settings.removal());
        RemovePartitionWorker worker = new RemovePartitionWorker(
                files,
                ModelSpec.of(settings.weights(), settings.removal().batchSize(), settings.network()),
                settings.limits(),
                settings.removal(),
                weightsSha256,
                pixels.fingerprint());
        int slices = Math.max(
                1,
                Math.min(
                        settings.partitions() > 0 ? settings.partitions() : context.defaultParallelism(),
                        Math.max(1, plan.items().size())));
        context.setJobDescription("remove backgrounds: " + plan.items().size() + " images under "
                + LocationRedaction.withoutSecrets(inputRoot));
        JavaPairRDD<String, PlannedInput> planned = context.parallelize(plan.items(), slices)
                .mapToPair(item -> new Tuple2<>(item.request().key(), item));
        Dataset<Row> newest = OutputRecords.newest(OutputRecords.all(spark, files, outputRoot));
        JavaRDD<RecordedOutcome> processed = planned.leftOuterJoin(OutputRecords.priors(newest), slices)
                .values()
                .mapPartitions(worker::process);
        JavaRDD<RecordedOutcome> all = processed
                .union(context.parallelize(
                        plan.decided().stream().map(RecordedOutcome::unrecorded).toList(), 1))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            OutputRecords.write(spark, all, outputRoot, id, pixels.canonical());
            Dataset<Row> report = spark.createDataFrame(
                    all.map(r -> {
                        RemoveOutcome o = r.outcome();
                        return RowFactory.create(
                                id,
                                o.key(),
                                o.status(),
                                o.reason() == null ? "" : o.reason(),
                                o.millis(),
                                o.decodeNanos() / 1e6,
                                o.predictNanos() / 1e6,
                                o.encodeNanos() / 1e6,
                                o.writeNanos() / 1e6);
                    }),
                    REPORT_SCHEMA);
            report.repartition(1).write().parquet(reportDir + "/report.parquet");
        } finally {
            all.unpersist(false);
        }

        Dataset<Row> written = spark.read().parquet(reportDir + "/report.parquet");
        ObjectNode summary = summarise(written, settings, started, listMillis);
        files.write(
                reportDir + "/summary.json",
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(summary)
                        .getBytes(StandardCharsets.UTF_8));
        writeManifest(files, outputRoot, id);
        for (Row failure : written.filter("status = 'failed'")
                .select("key", "reason")
                .limit(50)
                .collectAsList()) {
            System.err.println("RemoveBackgroundJob: failed " + failure.getString(0) + ": " + failure.getString(1));
        }
        System.out.printf(
                "done %d, skipped %d, failed %d; report %s%n",
                summary.get("done").asLong(),
                summary.get("skipped").asLong(),
                summary.get("failed").asLong(),
                LocationRedaction.withoutSecrets(reportDir));
        return summary.get("failed").asLong() > 0 ? SOME_FAILED : 0;
    }

    /** Writes the run's manifest: its report files and record files, each with size and SHA-256. */
    private static void writeManifest(HadoopFiles files, String outputRoot, String id) throws IOException {
        List<String> keys = new ArrayList<>();
        for (String folder :
                List.of(outputRoot + "/" + RemovePlan.REPORTS + "/" + id, OutputRecords.runFolder(outputRoot, id))) {
            for (String file : files.listFiles(folder)) {
                String key = files.relativize(outputRoot, file);
                String name = key.substring(key.lastIndexOf('/') + 1);
                if (!name.startsWith(".") && !key.contains("/_temporary/") && !name.equals(RunManifest.NAME)) {
                    keys.add(key);
                }
            }
        }
        RunManifest.write(files, files.qualified(outputRoot), RemovePlan.REPORTS, id, keys);
    }

    private static ObjectNode summarise(
            Dataset<Row> report, RemoveJobSettings settings, Instant started, double listMillis) {
        ObjectNode summary = new ObjectMapper().createObjectNode();
        summary.put("run_id", settings.runId());
        summary.put("started", started.toString());
        summary.put("input", LocationRedaction.withoutSecrets(settings.input()));
        summary.put("output", LocationRedaction.withoutSecrets(settings.output()));
        summary.put("weights", LocationRedaction.withoutSecrets(settings.weights()));
        for (String status : List.of(RemoveOutcome.DONE, RemoveOutcome.SKIPPED, RemoveOutcome.FAILED)) {
            summary.put(
                    status, report.filter(report.col("status").equalTo(status)).count());
        }
        Row sums = report.selectExpr(
                        "coalesce(sum(decode_ms), 0d)",
                        "coalesce(sum(predict_ms), 0d)",
                        "coalesce(sum(encode_ms), 0d)",
                        "coalesce(sum(write_ms), 0d)")
                .first();
        ObjectNode split = summary.putObject("time_split_ms");
        split.put("list", listMillis);
        split.put("decode", sums.getDouble(0));
        split.put("predict", sums.getDouble(1));
        split.put("encode", sums.getDouble(2));
        split.put("write", sums.getDouble(3));
        return summary;
    }

    /** Entry point for spark-submit. */
    public static void main(String[] args) {
        System.exit(JobCommandLine.execute(new RemoveBackgroundJob(), args));
    }
}
