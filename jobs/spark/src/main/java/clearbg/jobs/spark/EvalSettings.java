package clearbg.jobs.spark;

import clearbg.model.image.DecodeLimits;
import java.util.List;

/**
 * What EvalJob evaluates.
 *
 * @param sources folder of predicted maps, or of photos when {@code model} is set
 * @param groundTruth folder of ground-truth masks
 * @param model the model to predict with, or null
 * @param dataset the data set's name in the reports
 * @param out the folder of the reports
 * @param partitions input partitions (0: Spark's default parallelism)
 * @param limits the image limits (pixels, file size, share of the heap)
 * @param table an ingested image table (IngestJob's output root or its Parquet folder), or null
 * @param splits the table's splits to evaluate (each is one data set in the reports)
 */
public record EvalSettings(
        String sources,
        String groundTruth,
        ModelSpec model,
        String dataset,
        String out,
        int partitions,
        DecodeLimits limits,
        String table,
        List<String> splits) {

    public EvalSettings {
        splits = splits == null ? List.of() : List.copyOf(splits);
    }
}
