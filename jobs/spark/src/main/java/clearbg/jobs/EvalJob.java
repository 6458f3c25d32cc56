package clearbg.jobs;

import clearbg.jobs.options.ImageLimitsOptions;
import clearbg.jobs.options.EngineOption;
import clearbg.jobs.options.ArchOption;
import clearbg.jobs.params.ParamsOption;
import clearbg.jobs.params.ParamsSections;
import clearbg.jobs.report.CurvesPlot;
import clearbg.jobs.report.MetricsReport;
import clearbg.jobs.spark.EvalPartitionScorer;
import clearbg.jobs.spark.EvalSummary;
import clearbg.jobs.spark.EvalTask;
import clearbg.jobs.spark.HadoopFiles;
import clearbg.jobs.spark.ModelSpec;
import clearbg.model.metric.SodResult;
import clearbg.model.nn.Arch;
import clearbg.model.predict.InferenceEngine;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class clearbg.jobs.EvalJob}: salient-object metrics of a folder of predictions, or
 * of a model on a folder of photos, against ground truth, on any Hadoop file system. Per-image statistics
 * are computed on the executors and merged with a tree aggregation; no map travels to the driver. Writes
 * {@code metrics.json} (one object per data set), {@code curves.csv}, {@code per_image.csv} (worst first),
 * {@code pr_curve.png} and {@code f_curve.png} under {@code --out}. Three inputs: a folder of predictions
 * ({@code --pred}), a model on a folder of photos ({@code --weights --images}), or a model on splits of an
 * IngestJob table ({@code --weights --table --datasets DUTS-TE}). Without a {@code spark.master} the job
 * runs on {@code local[*]}.
 */
@Command(name = "EvalJob", mixinStandardHelpOptions = true,
        description = "Evaluate saliency maps (or a model's maps) against ground truth with the PySODMetrics definitions.")
public final class EvalJob implements Callable<Integer>, ParamsSections {

    @Mixin
    ParamsOption params;

    @Override
    public List<String> paramsSections() {
        return List.of("model", "eval");
    }

    @Option(names = "--pred", paramLabel = "URI", description = "folder of predicted maps (mode 1)")
    String predictions;

    @Option(names = "--weights", paramLabel = "URI", description = "model weights, .pth or safetensors (mode 2)")
    String weights;

    @Option(names = "--images", paramLabel = "URI", description = "folder of photos to predict (mode 2)")
    String images;

    @Option(names = "--gt", paramLabel = "URI", description = "folder of ground-truth masks (modes 1 and 2)")
    String groundTruth;

    @Option(names = "--table", paramLabel = "URI", description = "an IngestJob table (its root with manifest.json) to evaluate --weights on (mode 3)")
    String table;

    @Option(names = "--datasets", split = ",", description = "the table's splits to evaluate, e.g. DUTS-TE or DIS-TE1,DIS-TE2 (mode 3)")
    List<String> datasets;

    @Option(names = "--arch", converter = ArchOption.class, description = "u2net or u2netp (default: from the weights)")
    Arch arch;

    @Option(names = "--name", description = "data set name (default: the ground-truth folder's name)")
    String name;

    @Option(names = "--out", required = true, paramLabel = "URI", description = "folder for the reports")
    String out;

    @Option(names = "--batch", defaultValue = "4", description = "images per forward pass (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--engine", defaultValue = "auto", converter = EngineOption.class, description = EngineOption.DESCRIPTION)
    InferenceEngine engine;

    @Option(names = "--size", defaultValue = "320",
            description = "network input side, the RescaleT size the model was trained with (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--partitions", defaultValue = "0", description = "input partitions (default: Spark's parallelism)")
    int partitions;

    @Mixin
    ImageLimitsOptions imageLimits;

    @Override
    public Integer call() throws Exception {
        EvalSettings settings = settings();
        try (SparkSession spark = SparkSessions.open("clearbg-eval")) {
            return run(spark, settings);
        }
    }

    EvalSettings settings() {
        CommandLine commandLine = new CommandLine(this);
        if (table != null) {
            if (weights == null || datasets == null || datasets.isEmpty() || predictions != null || images != null) {
                throw new CommandLine.ParameterException(commandLine, "--table needs --weights and --datasets (and no --pred or --images)");
            }
            return new EvalSettings(null, null, new ModelSpec(weights, arch, batch, size, engine), null, out, partitions, imageLimits.limits(), table, datasets);
        }
        boolean predictionMode = predictions != null;
        boolean modelMode = weights != null || images != null;
        if (predictionMode == modelMode || (modelMode && (weights == null || images == null)) || groundTruth == null) {
            throw new CommandLine.ParameterException(commandLine,
                    "give --gt URI with either --pred URI, or --weights URI and --images URI; or --table with --weights and --datasets");
        }
        ModelSpec model = modelMode ? new ModelSpec(weights, arch, batch, size, engine) : null;
        String dataset = name != null ? name : lastSegment(groundTruth);
        return new EvalSettings(predictionMode ? predictions : images, groundTruth, model, dataset, out, partitions, imageLimits.limits(),
                null, List.of());
    }


    /** Runs the evaluation on {@code spark}; returns the exit code (1 when nothing could be scored). */
    public static int run(SparkSession spark, EvalSettings settings) throws Exception {
        return evaluate(spark, settings).isEmpty() ? 1 : 0;
    }

    /**
     * Runs the evaluation on {@code spark}, prints the table and writes the reports; returns the metrics by
     * data set (empty when nothing could be scored; then no report is written).
     */
    public static Map<String, SodResult> evaluate(SparkSession spark, EvalSettings settings) throws Exception {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = new HadoopFiles(context.hadoopConfiguration());
        int slices = settings.partitions() > 0 ? settings.partitions() : context.defaultParallelism();
        EvalPartitionScorer scorer = new EvalPartitionScorer(files, settings.model(), settings.limits());
        EvalSummary summary;
        int candidates;
        int unpaired = 0;
        if (settings.table() != null) {
            Dataset<Row> rows = spark.read().parquet(tablePath(files, settings.table()))
                    .filter(functions.col("split").isin(settings.splits().toArray()))
                    .select("split", "id", "image", "mask");
            context.setJobDescription("evaluate " + settings.splits() + " of " + settings.table());
            summary = rows.javaRDD().repartition(Math.max(1, slices))
                    .mapPartitions(partition -> List.of(scorer.scoreTableRows(partition)).iterator())
                    .treeAggregate(new EvalSummary(), EvalSummary::merge, EvalSummary::merge);
            candidates = summary.rows().size() + summary.failures().size();
        } else {
            FolderPairing pairing = FolderPairing.of(files, settings.sources(), settings.groundTruth());
            pairing.problems().forEach(problem -> System.err.println("EvalJob: " + problem));
            List<EvalTask> tasks = pairing.tasks(settings.dataset());
            JavaRDD<EvalTask> rdd = context.parallelize(tasks, Math.max(1, Math.min(slices, Math.max(1, tasks.size()))));
            context.setJobDescription("evaluate " + settings.dataset() + " (" + tasks.size() + " pairs)");
            summary = rdd.mapPartitions(partition -> List.of(scorer.score(partition)).iterator())
                    .treeAggregate(new EvalSummary(), EvalSummary::merge, EvalSummary::merge);
            candidates = tasks.size();
            unpaired = pairing.problems().size();
        }
        summary.failures().forEach(failure -> System.err.println("EvalJob: unreadable " + failure));
        Map<String, SodResult> results = new LinkedHashMap<>();
        summary.datasets().forEach((dataset, sums) -> results.put(dataset, sums.result()));
        System.out.printf("pairs %d, evaluated %d, unreadable %d, unpaired %d%n", candidates, summary.rows().size(),
                summary.failures().size(), unpaired);
        if (results.isEmpty()) {
            System.err.println("EvalJob: nothing to evaluate");
            return results;
        }
        System.out.print(MetricsReport.table(results));
        String folder = settings.out().replaceAll("/+$", "");
        files.write(folder + "/metrics.json", MetricsReport.json(results).getBytes(StandardCharsets.UTF_8));
        files.write(folder + "/curves.csv", MetricsReport.curvesCsv(results).getBytes(StandardCharsets.UTF_8));
        files.write(folder + "/per_image.csv", MetricsReport.perImageCsv(summary.rows()).getBytes(StandardCharsets.UTF_8));
        byte[][] plots = CurvesPlot.png(results);
        files.write(folder + "/pr_curve.png", plots[0]);
        files.write(folder + "/f_curve.png", plots[1]);
        System.out.println("reports in " + folder);
        return results;
    }

    /** The Parquet folder of a table: {@code table} in its manifest when one is there, else the URI itself. */
    static String tablePath(HadoopFiles files, String uri) throws Exception {
        String root = uri.replaceAll("/+$", "");
        if (files.exists(root + "/manifest.json")) {
            return new ObjectMapper().readTree(files.read(root + "/manifest.json")).get("table").asText();
        }
        return root;
    }

    private static String lastSegment(String uri) {
        String trimmed = uri.replaceAll("/+$", "");
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    /** Entry point for spark-submit. */
    public static void main(String[] args) {
        System.exit(JobCommandLine.execute(new EvalJob(), args));
    }
}
