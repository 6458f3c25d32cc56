package clearbg.jobs.spark;

import clearbg.jobs.train.TableSample;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The rows of an IngestJob table that a training reads: the training splits' samples and their ids in sorted
 * order (what the epoch plan shuffles), after checking that every split asked for is there.
 *
 * @param manifest the table's manifest (Parquet folder and content hash)
 * @param ids the training samples' ids, sorted
 * @param samples the training samples (id, image bytes, mask bytes), not yet persisted
 */
public record TrainingTable(TableManifest manifest, List<String> ids, JavaRDD<TableSample> samples) {

    /**
     * Opens {@code table}, checks that it holds {@code trainSplits} and {@code evalSplit} (when not null), and
     * selects the training rows.
     *
     * @throws IllegalArgumentException naming the table when it is missing, lacks a split or holds no training row
     */
    public static TrainingTable open(
            SparkSession spark, HadoopFiles files, String table, List<String> trainSplits, String evalSplit)
            throws IOException {
        TableManifest manifest = TableManifest.open(files, table);
        if (!files.exists(manifest.parquet())) {
            throw new IllegalArgumentException(
                    "--table " + table + ": no table there (" + manifest.parquet() + " does not exist)");
        }
        Dataset<Row> rows = spark.read().parquet(manifest.parquet());
        List<String> splits =
                rows.select("split").distinct().as(Encoders.STRING()).collectAsList();
        List<String> wanted = new ArrayList<>(trainSplits);
        if (evalSplit != null) {
            wanted.add(evalSplit);
        }
        for (String split : wanted) {
            if (!splits.contains(split)) {
                throw new IllegalArgumentException("--table " + table + " has no split " + split + " (it has "
                        + (splits.isEmpty()
                                ? "no rows"
                                : String.join(", ", splits.stream().sorted().toList())) + ")");
            }
        }
        Dataset<Row> training =
                rows.filter(functions.col("split").isin(trainSplits.toArray())).select("id", "image", "mask");
        List<String> ids =
                new ArrayList<>(training.select("id").as(Encoders.STRING()).collectAsList());
        if (ids.isEmpty()) {
            throw new IllegalArgumentException(table + ": the splits " + trainSplits + " hold no rows");
        }
        ids.sort(null);
        JavaRDD<TableSample> samples = training.javaRDD()
                .map(row -> new TableSample(row.getString(0), (byte[]) row.get(1), (byte[]) row.get(2)));
        return new TrainingTable(manifest, List.copyOf(ids), samples);
    }
}
