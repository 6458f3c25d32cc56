package clearbg.cli.serve;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's request metrics in Prometheus' text exposition format (version 0.0.4):
 * {@code clearbg_requests_total{status}}, the latency histogram {@code clearbg_request_seconds} of
 * {@code /api/remove} (cumulative buckets, sum, count), {@code clearbg_rejected_total} (503: queue full),
 * {@code clearbg_queue_length}, {@code clearbg_tasks_running} (alpha matting on the workers) and the forward
 * passes with the images they held. A request whose client went away before its answer counts as status 499
 * (as nginx logs it).
 */
final class ServeMetrics {

    private static final double[] BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
    private final LongAdder[] bucketCounts = new LongAdder[BUCKETS.length];
    private final LongAdder latencyCount = new LongAdder();
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final MicroBatcher batcher;

    ServeMetrics(MicroBatcher batcher) {
        this.batcher = batcher;
        for (int i = 0; i < BUCKETS.length; i++) {
            bucketCounts[i] = new LongAdder();
        }
    }

    /** Counts one finished {@code /api/remove} request. */
    void record(int status, long nanos) {
        byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (status == 503) {
            rejected.increment();
        }
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                bucketCounts[i].increment();
            }
        }
        latencyCount.increment();
        latencyNanos.add(nanos);
    }

    /** The text exposition. */
    String render() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP clearbg_requests_total Requests to /api/remove by HTTP status.\n");
        out.append("# TYPE clearbg_requests_total counter\n");
        new TreeMap<>(byStatus)
                .forEach((status, count) -> out.append("clearbg_requests_total{status=\"")
                        .append(status)
                        .append("\"} ")
                        .append(count.sum())
                        .append('\n'));
        out.append("# HELP clearbg_request_seconds Time from request to response of /api/remove.\n");
        out.append("# TYPE clearbg_request_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++) {
            out.append(String.format(
                    Locale.ROOT, "clearbg_request_seconds_bucket{le=\"%s\"} %d%n", BUCKETS[i], bucketCounts[i].sum()));
        }
        out.append("clearbg_request_seconds_bucket{le=\"+Inf\"} ")
                .append(latencyCount.sum())
                .append('\n');
        out.append(String.format(Locale.ROOT, "clearbg_request_seconds_sum %.6f%n", latencyNanos.sum() / 1e9));
        out.append("clearbg_request_seconds_count ").append(latencyCount.sum()).append('\n');
        gauge(
                out,
                "clearbg_rejected_total",
                "counter",
                "Requests refused with 503 because the queue was full.",
                rejected.sum());
        gauge(
                out,
                "clearbg_queue_length",
                "gauge",
                "Jobs (images, matting tasks) waiting for a worker.",
                batcher.queued());
        gauge(out, "clearbg_tasks_running", "gauge", "Alpha-matting tasks running on workers.", batcher.tasksRunning());
        gauge(out, "clearbg_forward_passes_total", "counter", "Forward passes run.", batcher.batches());
        gauge(out, "clearbg_forward_images_total", "counter", "Images in those passes.", batcher.batchedImages());
        return out.toString();
    }

    private static void gauge(StringBuilder out, String name, String type, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(value).append('\n');
    }
}
