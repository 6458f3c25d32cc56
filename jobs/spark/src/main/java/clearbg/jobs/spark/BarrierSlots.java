package clearbg.jobs.spark;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;

/**
 * What a barrier training needs of the master: every replica a task slot at once, no dynamic allocation, and
 * on a local master ({@code local}, {@code local[N]}, {@code local[*]}) a fair share of the cores per replica;
 * and the plain words for Spark's error when the slots are not there.
 */
public final class BarrierSlots {

    private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");

    private BarrierSlots() {}

    /**
     * On a local master, each replica's share of the cores, {@code max(1, N / workers)}: the task's PyTorch
     * threads when {@code spark.task.cpus} is not set (a single replica on {@code local[*]} then uses every
     * core, not one). Empty on a cluster master or when {@code spark.task.cpus} is set.
     */
    public static Optional<Integer> coresPerWorker(SparkConf conf, int workers) {
        Matcher local = LOCAL_MASTER.matcher(conf.get("spark.master", "local[*]"));
        if (!local.matches() || conf.contains("spark.task.cpus")) {
            return Optional.empty();
        }
        return Optional.of(Math.max(1, cores(local) / Math.max(1, workers)));
    }

    /**
     * Fails before anything starts when dynamic allocation is on, or when a local master cannot run every
     * replica at once ({@code N / spark.task.cpus} slots).
     */
    public static void requireSlots(SparkConf conf, int workers) {
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new IllegalArgumentException("barrier training needs spark.dynamicAllocation.enabled=false");
        }
        Matcher local = LOCAL_MASTER.matcher(conf.get("spark.master", "local[*]"));
        if (local.matches()) {
            int slots = cores(local) / Math.max(1, conf.getInt("spark.task.cpus", 1));
            if (workers > slots) {
                throw new IllegalArgumentException("--workers " + workers + " needs " + workers
                        + " task slots at once, but " + conf.get("spark.master", "local[*]") + " has " + slots
                        + "; lower --workers or give the master more cores");
            }
        }
    }

    private static int cores(Matcher local) {
        if (local.group(1) == null) {
            return 1;
        }
        return local.group(1).equals("*")
                ? Runtime.getRuntime().availableProcessors()
                : Integer.parseInt(local.group(1));
    }

    /**
     * The Spark settings a training session starts with unless the user set them: the barrier stage's slot check
     * retried every 2 s up to 15 times (executors that start slowly), and on a local master the replica's share
     * of the cores as {@code spark.task.cpus} ({@link #coresPerWorker}).
     */
    public static Map<String, String> sessionDefaults(SparkConf conf, int workers) {
        Map<String, String> defaults = new LinkedHashMap<>(Map.of(
                "spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "2s",
                "spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "15"));
        coresPerWorker(conf, workers).ifPresent(cores -> defaults.put("spark.task.cpus", Integer.toString(cores)));
        return defaults;
    }

    /** Spark's failure in plain words: too few slots for {@code workers} replicas, or the training's own failure. */
    public static RuntimeException explain(SparkException e, int workers) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("SPARK-24819") || message.contains("BARRIER_JOB_SLOTS")) {
            return new IllegalArgumentException(
                    "--workers " + workers + " needs " + workers + " task slots at once (spark.task.cpus each),"
                            + " more than the cluster offers; add executors or lower --workers",
                    e);
        }
        return new IllegalStateException("training failed: " + message, e);
    }
}
