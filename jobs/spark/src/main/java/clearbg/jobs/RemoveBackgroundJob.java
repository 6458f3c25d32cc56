package clearbg.jobs;

import clearbg.jobs.files.LocationRedaction;
import clearbg.jobs.files.OutputLayout;
import clearbg.jobs.options.AlphaMattingOptions;
import clearbg.jobs.options.ImageLimitsOptions;
import clearbg.jobs.options.NetworkOptions;
import clearbg.jobs.options.PostProcessOption;
import clearbg.jobs.options.RgbaOption;
import clearbg.jobs.params.ParamsOption;
import clearbg.jobs.params.ParamsSections;
import clearbg.jobs.remove.RemoveOutcome;
import clearbg.jobs.remove.RemoveSettings;
import clearbg.jobs.spark.HadoopFiles;
import clearbg.jobs.spark.ModelSpec;
import clearbg.jobs.spark.RemovePartitionWorker;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.Rgba;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class clearbg.jobs.RemoveBackgroundJob}: removes the backgrounds of every image
 * under an input prefix (recursively) into an output prefix with the same relative keys
 * ({@code a/b/c.jpg -> a/b/c.png}, the mask beside it as {@code a/b/c.mask.png}). Safe to re-run: outputs
 * that exist and are not older than their input are skipped unless {@code --overwrite}; each output is
 * written whole or not at all; inputs are only read. A run report (Parquet, one row per input key, and a
 * JSON summary) goes to {@code <output>/_reports/<run-id>/}. Exit codes: 0 nothing failed, 3 finished
 * with failed images (see the report), 1 the job itself failed, 2 usage error.
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

    @Option(
            names = "--input",
            required = true,
            paramLabel = "URI",
            description = "bucket or prefix to read (recursive)")
    String input;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "prefix to write under")
    String output;

    @Option(names = "--weights", required = true, paramLabel = "URI", description = ".pth or safetensors weights")
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

    @Option(names = "--overwrite", description = "replace outputs that exist")
    boolean overwrite;

    @Option(names = "--post-process", description = PostProcessOption.DESCRIPTION)
    boolean postProcess;

    @Mixin
    AlphaMattingOptions alphaMatting;

    @Option(names = "--partitions", defaultValue = "0", description = "task count (default: Spark's parallelism)")
    int partitions;

    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}");

    @Option(
            names = "--run-id",
            description = "name of this run's report folder (default: UTC time and a random suffix)")
    String runId;

    @Override
    public Integer call() throws Exception {
        OutputLayout layout = new OutputLayout(parseFormat(format));
        RemoveSettings settings = new RemoveSettings(
                overwrite,
                layout.format() == OutputLayout.Format.MASK ? null : background,
                postProcess,
                layout.format() == OutputLayout.Format.MASK ? null : alphaMatting.settings(),
                batch,
                System.currentTimeMillis());
        DecodeLimits limits = imageLimits.limits();
        if (runId != null && !RUN_ID.matcher(runId).matches()) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this),
                    "--run-id '" + runId + "' must be letters, digits, '.', '_' or '-' (at most 100), not starting"
                            + " with '.': it names the report folder under " + RemovePlan.REPORTS + "/");
        }
        String id = runId != null
                ? runId
                : DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
                                .withZone(ZoneOffset.UTC)
                                .format(Instant.now())
                        + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (SparkSession spark = SparkSessions.open("clearbg-remove-background")) {
            return run(spark, layout, limits, settings, id);
        }
    }

    private static OutputLayout.Format parseFormat(String value) {
        try {
            return OutputLayout.Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format must be cutout, mask or both, got '" + value + "'");
        }
    }

    private int run(SparkSession spark, OutputLayout layout, DecodeLimits limits, RemoveSettings settings, String id)
            throws Exception {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = new HadoopFiles(context.hadoopConfiguration());
        if (!files.exists(weights)) {
            throw new IllegalArgumentException("--weights " + weights + ": no such file");
        }
        String reportDir = output.replaceAll("/+$", "") + "/" + RemovePlan.REPORTS + "/" + id;
        if (files.exists(reportDir)) {
            throw new IllegalArgumentException("--run-id " + id + ": a run with this id already reported under "
                    + LocationRedaction.withoutSecrets(reportDir) + "; choose another id or leave it out");
        }
        long listStart = System.nanoTime();
        RemovePlan plan = RemovePlan.of(files, input, output, layout);
        double listMillis = (System.nanoTime() - listStart) / 1e6;
        RemovePartitionWorker worker =
                new RemovePartitionWorker(files, ModelSpec.of(weights, batch, network.settings()), limits, settings);
        int slices = partitions > 0 ? partitions : context.defaultParallelism();
        context.setJobDescription("remove backgrounds: " + plan.items().size() + " images under " + input);
        JavaRDD<RemoveOutcome> processed = context.parallelize(
                        plan.items(),
                        Math.max(1, Math.min(slices, Math.max(1, plan.items().size()))))
                .mapPartitions(worker::process);
        JavaRDD<RemoveOutcome> all = processed.union(context.parallelize(plan.decided(), 1));
        Dataset<Row> report = spark.createDataFrame(
                all.map(o -> RowFactory.create(
                        id,
                        o.key(),
                        o.status(),
                        o.reason() == null ? "" : o.reason(),
                        o.millis(),
                        o.decodeNanos() / 1e6,
                        o.predictNanos() / 1e6,
                        o.encodeNanos() / 1e6,
                        o.writeNanos() / 1e6)),
                REPORT_SCHEMA);
        report.repartition(1).write().parquet(reportDir + "/report.parquet");

        Dataset<Row> written = spark.read().parquet(reportDir + "/report.parquet");
        ObjectNode summary = summarise(written, id, listMillis);
        files.write(
                reportDir + "/summary.json",
                new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(summary)
                        .getBytes(StandardCharsets.UTF_8));
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
                reportDir);
        return summary.get("failed").asLong() > 0 ? SOME_FAILED : 0;
    }

    private ObjectNode summarise(Dataset<Row> report, String id, double listMillis) {
        ObjectNode summary = new ObjectMapper().createObjectNode();
        summary.put("run_id", id);
        summary.put("input", LocationRedaction.withoutSecrets(input));
        summary.put("output", LocationRedaction.withoutSecrets(output));
        summary.put("weights", LocationRedaction.withoutSecrets(weights));
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
