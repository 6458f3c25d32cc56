package clearbg.jobs.spark;

import clearbg.jobs.files.LocationRedaction;
import clearbg.jobs.report.CurvesPlot;
import clearbg.jobs.report.DatasetResult;
import clearbg.jobs.report.DisTable;
import clearbg.jobs.report.MetricsReport;
import clearbg.model.metric.DisAccumulator;
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
 * {@code metrics.json}, {@code curves.csv}, {@code per_image.csv}, {@code pr_curve.png}, {@code f_curve.png};
 * with {@link EvalReports#dis()} the DIS metrics in the first three, and with {@link EvalReports#disTable()}
 * {@code dis_table.md} and {@code dis_table.json} (the DIS paper's table, see {@link DisTable}).
 */
public final class Evaluation {

    private Evaluation() {}

    /**
     * Runs the evaluation on {@code spark}, prints the table and writes the reports; returns the metrics by
     * data set (empty when nothing could be scored; then no report is written).
     */
    public static Map<String, SodResult> run(SparkSession spark, EvalSettings settings) throws Exception {
        Map<String, SodResult> sod = new LinkedHashMap<>();
        run(spark, settings, EvalReports.SOD).forEach((dataset, result) -> sod.put(dataset, result.sod()));
        return sod;
    }

    /**
     * Runs the evaluation on {@code spark} with the metrics and reports {@code reports} asks for, prints the table
     * and writes the reports; returns the metrics by data set (empty when nothing could be scored; then no report
     * is written).
     */
    public static Map<String, DatasetResult> run(SparkSession spark, EvalSettings settings, EvalReports reports)
            throws Exception {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = new HadoopFiles(context.hadoopConfiguration());
        int slices = settings.partitions() > 0 ? settings.partitions() : context.defaultParallelism();
        EvalPartitionScorer scorer = new EvalPartitionScorer(files, settings.model(), settings.limits(), reports.dis());
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
        Map<String, DatasetResult> results = new LinkedHashMap<>();
        summary.datasets().forEach((dataset, sums) -> {
            DisAccumulator dis = summary.dis().get(dataset);
            results.put(dataset, new DatasetResult(sums.result(), dis == null ? null : dis.result()));
        });
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
                MetricsReport.perImageCsv(summary.rows(), reports.perImageOrder())
                        .getBytes(StandardCharsets.UTF_8));
        Map<String, SodResult> sod = new LinkedHashMap<>();
        results.forEach((dataset, result) -> sod.put(dataset, result.sod()));
        byte[][] plots = CurvesPlot.png(sod);
        files.write(folder + "/pr_curve.png", plots[0]);
        files.write(folder + "/f_curve.png", plots[1]);
        if (reports.disTable()) {
            // the splits in the order they were asked for (DIS-VD first, as in the paper), not by name
            DisTable table = DisTable.of(
                    ordered(summary.datasets(), settings.splits()), ordered(summary.dis(), settings.splits()));
            System.out.print(table.markdown());
            files.write(folder + "/dis_table.md", table.markdown().getBytes(StandardCharsets.UTF_8));
            files.write(folder + "/dis_table.json", table.json().getBytes(StandardCharsets.UTF_8));
        }
        System.out.println("reports in " + LocationRedaction.withoutSecrets(folder));
        return results;
    }

    /** The entries of {@code byName} in the order of {@code order} first (the splits as asked), then by name. */
    private static <T> Map<String, T> ordered(Map<String, T> byName, List<String> order) {
        Map<String, T> out = new LinkedHashMap<>();
        order.stream().filter(byName::containsKey).forEach(name -> out.put(name, byName.get(name)));
        byName.forEach(out::putIfAbsent);
        return out;
    }
}
