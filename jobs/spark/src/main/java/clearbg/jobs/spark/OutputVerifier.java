package clearbg.jobs.spark;

import clearbg.jobs.files.LocationRedaction;
import clearbg.jobs.files.Sha256;
import clearbg.jobs.remove.RemoveOutcome;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * Verifies an output prefix against its records ({@link OutputRecords}): for the newest done (or carried-forward)
 * record of each input, every output is re-hashed where it is stored, on the executors; an output whose SHA-256
 * differs from the record's is listed as {@code checksum differs}, one that is gone as {@code missing}. Every
 * output found under the prefix (outside {@code _reports/}, hidden names left out) that no
 * record names is listed as {@code no record}. Lines go to the given stream, at most {@value #SHOWN} per kind, with
 * the counts; the records never travel to the driver whole (only the listed disagreements do).
 */
public final class OutputVerifier {

    /** The exit code of a verification that found a disagreement. */
    public static final int DISAGREES = 4;

    /** The run reports' and records' folder under the output prefix (not outputs). */
    static final String REPORTS = "_reports";

    /** The most lines printed per kind of disagreement. */
    static final int SHOWN = 100;

    private OutputVerifier() {}

    /** Verifies the outputs under {@code outputRoot}; returns 0 when all agree, else {@link #DISAGREES}. */
    public static int verify(SparkSession spark, HadoopFiles files, String outputRoot, PrintStream out)
            throws IOException {
        String root = files.qualified(outputRoot);
        Dataset<Row> records = OutputRecords.all(spark, files, root);
        Dataset<Row> current = OutputRecords.newest(
                        records.filter(functions.col("outcome").isin(RemoveOutcome.DONE, RemoveOutcome.SKIPPED)))
                .select(
                        functions.col("input_key"),
                        functions.posexplode(functions.col("output_keys")).as(new String[] {"pos", "output_key"}),
                        functions.col("output_sha256"))
                .select(
                        functions.col("output_key"),
                        functions
                                .element_at(
                                        functions.col("output_sha256"),
                                        functions.col("pos").plus(1))
                                .as("sha256"));
        Dataset<String> disagreeing = current.map(
                        (MapFunction<Row, String>) row -> check(files, root, row.getString(0), row.getString(1)),
                        Encoders.STRING())
                .filter((FilterFunction<String>) line -> !line.isEmpty())
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            long disagree = disagreeing.count();
            disagreeing.limit(SHOWN).collectAsList().forEach(out::println);

            List<String> outputs = new ArrayList<>();
            for (String file : files.listFiles(root)) {
                String key = files.relativize(root, file);
                String name = key.substring(key.lastIndexOf('/') + 1);
                if (!key.startsWith(OutputRecords.FOLDER + "/")
                        && !key.startsWith(REPORTS + "/")
                        && !name.startsWith(".")) {
                    outputs.add(key);
                }
            }
            Dataset<Row> listed =
                    spark.createDataset(outputs, Encoders.STRING()).toDF("output_key");
            Dataset<Row> named = records.select(
                            functions.explode(functions.col("output_keys")).as("named_key"))
                    .distinct();
            Dataset<String> unrecorded = listed.join(
                            named, listed.col("output_key").equalTo(named.col("named_key")), "left_anti")
                    .as(Encoders.STRING());
            long unrecordedCount = unrecorded.count();
            unrecorded.limit(SHOWN).collectAsList().forEach(key -> out.println("no record: " + key));
            out.printf(
                    "verified %d recorded outputs under %s: %d disagree; %d outputs without a record%n",
                    current.count(), LocationRedaction.withoutSecrets(outputRoot), disagree, unrecordedCount);
            return disagree == 0 && unrecordedCount == 0 ? 0 : DISAGREES;
        } finally {
            disagreeing.unpersist();
        }
    }

    /** The disagreement of one recorded output, or "" when it matches. */
    private static String check(HadoopFiles files, String root, String key, String recorded) throws IOException {
        String actual;
        try {
            actual = Sha256.of(files, root + "/" + key);
        } catch (FileNotFoundException e) {
            return "missing: " + key;
        }
        return actual.equals(recorded)
                ? ""
                : "checksum differs: " + key + " (recorded " + recorded + ", found " + actual + ")";
    }
}
