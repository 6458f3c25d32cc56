package clearbg.jobs.spark;

import clearbg.jobs.files.LocationRedaction;
import clearbg.jobs.report.CurvesPlot;
import clearbg.jobs.report.MetricsReport;
import clearbg.model.metric.SodResult;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * One distributed evaluation, as EvalJob runs it and TrainJob between epochs: each partition scores its pairs
 * into per-image statistics ({@link EvalPartitionScorer}), which merge by addition in a tree aggregation, so
 * the metrics do not depend on how the pairs are partitioned. Reports go to {@code settings.out()}:
 * {@code metrics.json}, {@code curves.csv}, {@code per_image.csv}, {@code pr_curve.png}, {@code f_curve.png}.
 */
public final class Evaluation {

    private Evaluation() {}

    /**
     * Runs the evaluation on {@code spark}, prints the table and writes the reports; returns the metrics by
     * data set (empty when nothing could be scored; then no report is written).
     */
    public static Map<String, SodResult> run(SparkSession spark, EvalSettings settings) throws Exception {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = new HadoopFiles(context.hadoopConfiguration());
        int slices = settings.partitions() > 0 ? settings.partitions() : context.defaultParallelism();
        EvalPartitionScorer scorer = new EvalPartitionScorer(files, settings.model(), settings.limits());
        EvalSummary summary;
        int candidates;
        int unpaired = 0;
        if (settings.table() != null) {
            Dataset<Row> rows = spark.read()
                    .parquet(TableManifest.open(files, settings.table()).parquet())
                    .filter(functions.col("split").isin(settings.splits().toArray()))
                    .select("split", "id", "image", "mask");
            context.setJobDescription("evaluate " + settings.splits() + " of " + settings.table());
            summary = rows.javaRDD()
                    .repartition(Math.max(1, slices))
                    .mapPartitions(partition ->
                            List.of(scorer.scoreTableRows(partition)).iterator())
                    .treeAggregate(new EvalSummary(), EvalSummary::merge, EvalSummary::merge);
            candidates = summary.rows().size() + summary.failures().size();
        } else {
            FolderPairing pairing = FolderPairing.of(files, settings.sources(), settings.groundTruth());
            pairing.problems().forEach(problem -> System.err.println("evaluation: " + problem));
            List<EvalTask> tasks = pairing.tasks(settings.dataset());
            JavaRDD<EvalTask> rdd =
                    context.parallelize(tasks, Math.max(1, Math.min(slices, Math.max(1, tasks.size()))));
            context.setJobDescription("evaluate " + settings.dataset() + " (" + tasks.size() + " pairs)");
            summary = rdd.mapPartitions(
                            partition -> List.of(scorer.score(partition)).iterator())
                    .treeAggregate(new EvalSummary(), EvalSummary::merge, EvalSummary::merge);
            candidates = tasks.size();
            unpaired = pairing.problems().size();
        }
        summary.failures().forEach(failure -> System.err.println("evaluation: unreadable " + failure));
        Map<String, SodResult> results = new LinkedHashMap<>();
        summary.datasets().forEach((dataset, sums) -> results.put(dataset, sums.result()));
        System.out.printf(
                "pairs %d, evaluated %d, unreadable %d, unpaired %d%n",
                candidates, summary.rows().size(), summary.failures().size(), unpaired);
        if (results.isEmpty()) {
            System.err.println("evaluation: nothing to evaluate");
            return results;
        }
        System.out.print(MetricsReport.table(results));
        String folder = settings.out().replaceAll("/+$", "");
        files.write(folder + "/metrics.json", MetricsReport.json(results).getBytes(StandardCharsets.UTF_8));
        files.write(folder + "/curves.csv", MetricsReport.curvesCsv(results).getBytes(StandardCharsets.UTF_8));
        files.write(
                folder + "/per_image.csv",
                MetricsReport.perImageCsv(summary.rows()).getBytes(StandardCharsets.UTF_8));
        byte[][] plots = CurvesPlot.png(results);
        files.write(folder + "/pr_curve.png", plots[0]);
        files.write(folder + "/f_curve.png", plots[1]);
        System.out.println("reports in " + LocationRedaction.withoutSecrets(folder));
        return results;
    }
}
