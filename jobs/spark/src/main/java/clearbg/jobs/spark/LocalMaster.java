package clearbg.jobs.spark;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * What a barrier training needs of the master: every replica a task slot at once, no dynamic allocation, and
 * on a local master ({@code local}, {@code local[N]}, {@code local[*]}) a fair share of the cores per replica.
 */
public final class LocalMaster {

    private static final Pattern LOCAL_MASTER = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\s*\\d+)?])?");

    private LocalMaster() {}

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
}
