package clearbg.jobs.spark;

import clearbg.jobs.remove.PriorRecord;
import clearbg.jobs.remove.RecordedOutcome;
import java.io.IOException;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The output records of background removal: a Parquet table under {@code <output>/_reports/records.parquet/}, one
 * folder per run ({@code run_id=<id>/}, so {@code spark.read().parquet("<output>/_reports/records.parquet")} has a
 * {@code run_id} column; the table's own name must not start with {@code _} or {@code .}, which Spark's readers take
 * for hidden and skip, so it lives inside the reserved {@code _reports/} prefix), one row
 * per input a run processed: {@code input_key}, {@code input_version}, {@code output_keys} and
 * {@code output_sha256} (parallel arrays), {@code weights_sha256}, {@code settings_fingerprint}, {@code settings}
 * (the canonical text the fingerprint hashes), {@code time}, {@code outcome} (done, skipped, failed) and
 * {@code reason}. A skipped row carries its done record forward (same versions and checksums), so the newest row
 * of an input always says what its outputs are.
 *
 * <p>What scales: the newest row per input is found with a Spark window and joined to the inputs with a Spark
 * join, so the records never travel to the driver; the run's own rows are written by the executors' tasks.
 */
public final class OutputRecords {

    /** The folder under the output prefix that holds the records (under the run reports' prefix). */
    public static final String FOLDER = "_reports/records.parquet";

    /** The name under {@code _reports/} the records take: not a run id. */
    public static final String RESERVED_RUN_ID = "records.parquet";

    /** The columns of the data files (the run id is the folder's partition value). */
    static final StructType DATA_SCHEMA = new StructType()
            .add("input_key", DataTypes.StringType, false)
            .add("input_version", DataTypes.StringType, false)
            .add("output_keys", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("output_sha256", DataTypes.createArrayType(DataTypes.StringType, false), false)
            .add("weights_sha256", DataTypes.StringType, false)
            .add("settings_fingerprint", DataTypes.StringType, false)
            .add("settings", DataTypes.StringType, false)
            .add("time", DataTypes.TimestampType, false)
            .add("outcome", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false);

    /** The table as read: the data columns and {@code run_id} (a string, whatever the ids look like). */
    static final StructType TABLE_SCHEMA = DATA_SCHEMA.add("run_id", DataTypes.StringType, false);

    private OutputRecords() {}

    /** {@code list} as the Scala sequence a Row's array column holds. */
    private static scala.collection.immutable.Seq<String> seq(List<String> list) {
        return CollectionConverters.asScala(list).toSeq();
    }

    /** The records folder under {@code outputRoot}. */
    public static String folder(String outputRoot) {
        return outputRoot + "/" + FOLDER;
    }

    /** The folder of run {@code runId}'s records. */
    public static String runFolder(String outputRoot, String runId) {
        return folder(outputRoot) + "/run_id=" + runId;
    }

    /** Every record under {@code outputRoot}, or an empty table when there is none yet. */
    public static Dataset<Row> all(SparkSession spark, HadoopFiles files, String outputRoot) throws IOException {
        String folder = folder(outputRoot);
        if (!files.exists(folder) || files.listFiles(folder).stream().noneMatch(f -> f.endsWith(".parquet"))) {
            return spark.createDataFrame(List.of(), TABLE_SCHEMA);
        }
        return spark.read().schema(TABLE_SCHEMA).parquet(folder);
    }

    /**
     * The newest record of each input (latest {@code time}, then the greater run id), keeping only files that
     * belong to a finished write (a killed run's temporary files are not part of the table).
     */
    public static Dataset<Row> newest(Dataset<Row> records) {
        return records.withColumn(
                        "rank",
                        functions
                                .row_number()
                                .over(Window.partitionBy("input_key")
                                        .orderBy(
                                                functions.col("time").desc(),
                                                functions.col("run_id").desc())))
                .filter("rank = 1")
                .drop("rank");
    }

    /** The newest records keyed by input key, for a join with the planned inputs. */
    public static JavaPairRDD<String, PriorRecord> priors(Dataset<Row> newest) {
        return newest.select(
                        "input_key",
                        "run_id",
                        "outcome",
                        "input_version",
                        "weights_sha256",
                        "settings_fingerprint",
                        "output_keys",
                        "output_sha256")
                .javaRDD()
                .mapToPair(row -> new Tuple2<>(
                        row.getString(0),
                        new PriorRecord(
                                row.getString(1),
                                row.getString(2),
                                row.getString(3),
                                row.getString(4),
                                row.getString(5),
                                row.getList(6),
                                row.getList(7))));
    }

    /**
     * Writes the recorded rows of {@code outcomes} (those with an input version) as run {@code runId}'s records,
     * replacing what a killed attempt with the same id left there.
     *
     * @param settings the canonical settings text of the run
     */
    public static void write(
            SparkSession spark, JavaRDD<RecordedOutcome> outcomes, String outputRoot, String runId, String settings) {
        JavaRDD<Row> rows = outcomes.filter(o -> o.inputVersion() != null)
                .map(o -> RowFactory.create(
                        o.outcome().key(),
                        o.inputVersion(),
                        seq(o.outputKeys()),
                        seq(o.outcome().outputSha256()),
                        o.weightsSha256(),
                        o.settingsFingerprint(),
                        settings,
                        new Timestamp(o.recordedMillis()),
                        o.outcome().status(),
                        o.outcome().reason() == null ? "" : o.outcome().reason()));
        spark.createDataFrame(rows, DATA_SCHEMA)
                .repartition(1)
                .write()
                .mode(SaveMode.Overwrite)
                .parquet(runFolder(outputRoot, runId));
    }
}
