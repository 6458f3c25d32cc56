package clearbg.jobs;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The jobs' Spark session: whatever spark-submit configured, and {@code local[*]} when no master is set. */
final class SparkSessions {

    private SparkSessions() {}

    static SparkSession open(String appName) {
        return open(appName, Map.of());
    }

    /** As {@link #open(String)}, with {@code defaults} for settings that spark-submit did not set. */
    static SparkSession open(String appName, Map<String, String> defaults) {
        SparkConf conf = new SparkConf();
        defaults.forEach((key, value) -> {
            if (!conf.contains(key)) {
                conf.set(key, value);
            }
        });
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        return SparkSession.builder().config(conf).appName(appName).getOrCreate();
    }
}
