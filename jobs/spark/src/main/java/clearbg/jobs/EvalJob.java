package clearbg.jobs;

import clearbg.jobs.options.ImageLimitsOptions;
import clearbg.jobs.options.MetricOptions;
import clearbg.jobs.options.NetworkOptions;
import clearbg.jobs.params.ParamsOption;
import clearbg.jobs.params.ParamsSections;
import clearbg.jobs.report.PerImageOrder;
import clearbg.jobs.spark.EvalReports;
import clearbg.jobs.spark.EvalSettings;
import clearbg.jobs.spark.Evaluation;
import clearbg.jobs.spark.ModelSpec;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
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
 * IngestJob table ({@code --weights --table --datasets DUTS-TE}). The DIS metrics (HCE, IoU / Dice, relaxFb)
 * are computed too unless {@code --no-dis-metrics}; {@code --sort-per-image hce} sorts {@code per_image.csv} by
 * HCE; {@code --dis-table} also writes the DIS paper's table ({@code dis_table.md}, {@code dis_table.json}; e.g.
 * {@code --datasets DIS-VD,DIS-TE1,DIS-TE2,DIS-TE3,DIS-TE4}). Without a {@code spark.master} the job runs on
 * {@code local[*]}.
 */
@Command(
        name = "EvalJob",
        mixinStandardHelpOptions = true,
        description =
                "Evaluate saliency maps (or a model's maps) against ground truth with the PySODMetrics definitions.")
public final class EvalJob implements Callable<Integer>, ParamsSections {

    @Mixin
    ParamsOption params;

    @Override
    public List<String> paramsSections() {
        return List.of("model", "eval");
    }

    @Mixin
    NetworkOptions network;

    @Option(names = "--pred", paramLabel = "URI", description = "folder of predicted maps (mode 1)")
    String predictions;

    @Option(names = "--weights", paramLabel = "URI", description = "model weights, .pth or safetensors (mode 2)")
    String weights;

    @Option(names = "--images", paramLabel = "URI", description = "folder of photos to predict (mode 2)")
    String images;

    @Option(names = "--gt", paramLabel = "URI", description = "folder of ground-truth masks (modes 1 and 2)")
    String groundTruth;

    @Option(
            names = "--table",
            paramLabel = "URI",
            description = "an IngestJob table (its root with manifest.json) to evaluate --weights on (mode 3)")
    String table;

    @Option(
            names = "--datasets",
            split = ",",
            description = "the table's splits to evaluate, e.g. DUTS-TE or DIS-TE1,DIS-TE2 (mode 3)")
    List<String> datasets;

    @Option(names = "--name", description = "data set name (default: the ground-truth folder's name)")
    String name;

    @Option(names = "--out", required = true, paramLabel = "URI", description = "folder for the reports")
    String out;

    @Option(names = "--batch", defaultValue = "4", description = "images per forward pass (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--partitions", defaultValue = "0", description = "input partitions (default: Spark's parallelism)")
    int partitions;

    @Mixin
    MetricOptions metricOptions;

    @Option(
            names = "--dis-table",
            description = "also write the DIS paper's table of the data sets (dis_table.md, dis_table.json), with"
                    + " the DIS-TE1..4 splits' images pooled into DIS-TE(1-4)")
    boolean disTable;

    @Mixin
    ImageLimitsOptions imageLimits;

    @Override
    public Integer call() throws Exception {
        EvalSettings settings = settings();
        EvalReports reports = reports();
        try (SparkSession spark = SparkSessions.open("clearbg-eval")) {
            return run(spark, settings, reports);
        }
    }

    EvalReports reports() {
        PerImageOrder order = metricOptions.perImageOrder();
        if (!metricOptions.dis() && disTable) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--dis-table needs the DIS metrics (drop --no-dis-metrics)");
        }
        return new EvalReports(metricOptions.dis(), order, disTable);
    }

    EvalSettings settings() {
        CommandLine commandLine = new CommandLine(this);
        if (table != null) {
            if (weights == null || datasets == null || datasets.isEmpty() || predictions != null || images != null) {
                throw new CommandLine.ParameterException(
                        commandLine, "--table needs --weights and --datasets (and no --pred or --images)");
            }
            return new EvalSettings(
                    null,
                    null,
                    ModelSpec.of(weights, batch, network.settings()),
                    null,
                    out,
                    partitions,
                    imageLimits.limits(),
                    table,
                    datasets);
        }
        boolean predictionMode = predictions != null;
        boolean modelMode = weights != null || images != null;
        if (predictionMode == modelMode || (modelMode && (weights == null || images == null)) || groundTruth == null) {
            throw new CommandLine.ParameterException(
                    commandLine,
                    "give --gt URI with either --pred URI, or --weights URI and --images URI; or"
                            + " --table with --weights and --datasets");
        }
        ModelSpec model = modelMode ? ModelSpec.of(weights, batch, network.settings()) : null;
        String dataset = name != null ? name : lastSegment(groundTruth);
        return new EvalSettings(
                predictionMode ? predictions : images,
                groundTruth,
                model,
                dataset,
                out,
                partitions,
                imageLimits.limits(),
                null,
                List.of());
    }

    /**
     * Runs the evaluation on {@code spark} with the salient-object metrics only; returns the exit code (1 when
     * nothing could be scored).
     */
    public static int run(SparkSession spark, EvalSettings settings) throws Exception {
        return run(spark, settings, EvalReports.SOD);
    }

    /** Runs the evaluation on {@code spark}; returns the exit code (1 when nothing could be scored). */
    public static int run(SparkSession spark, EvalSettings settings, EvalReports reports) throws Exception {
        return Evaluation.run(spark, settings, reports).isEmpty() ? 1 : 0;
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
