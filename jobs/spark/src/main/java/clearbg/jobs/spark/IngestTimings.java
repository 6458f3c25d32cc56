package clearbg.jobs.spark;

import java.io.Serializable;
import java.util.Locale;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Where the executors' time of an ingest goes, summed over all tasks in nanoseconds: reading the encoded
 * image and mask from the file system, decoding them, and validating (size checks, optional RescaleT and
 * flip with their PNG encoding, content hash). Spark accumulators: each task adds its own; the driver reads
 * the totals after the action that computed the rows.
 */
public final class IngestTimings implements Serializable {

    private static final long serialVersionUID = 1L;

    private final LongAccumulator readNanos;
    private final LongAccumulator decodeNanos;
    private final LongAccumulator validateNanos;

    private IngestTimings(LongAccumulator readNanos, LongAccumulator decodeNanos, LongAccumulator validateNanos) {
        this.readNanos = readNanos;
        this.decodeNanos = decodeNanos;
        this.validateNanos = validateNanos;
    }

    /** Accumulators registered with {@code context}, all zero. */
    public static IngestTimings register(SparkContext context) {
        return new IngestTimings(
                context.longAccumulator("ingest read ns"),
                context.longAccumulator("ingest decode ns"),
                context.longAccumulator("ingest validate ns"));
    }

    void addRead(long nanos) {
        readNanos.add(nanos);
    }

    void addDecode(long nanos) {
        decodeNanos.add(nanos);
    }

    void addValidate(long nanos) {
        validateNanos.add(nanos);
    }

    /**
     * The split as one line: each phase's share of the summed task time of the three, and the seconds summed
     * over tasks (on N cores the wall time is about that sum / N).
     */
    public String summary() {
        double read = readNanos.value() / 1e9;
        double decode = decodeNanos.value() / 1e9;
        double validate = validateNanos.value() / 1e9;
        double total = Math.max(1e-9, read + decode + validate);
        return String.format(
                Locale.ROOT,
                "read %.0f%% decode %.0f%% validate %.0f%% of %.2f task-s (read %.2f, decode %.2f, validate %.2f)",
                100 * read / total,
                100 * decode / total,
                100 * validate / total,
                total,
                read,
                decode,
                validate);
    }
}
