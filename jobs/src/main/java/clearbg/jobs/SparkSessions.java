package clearbg.jobs;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** The jobs' Spark session: whatever spark-submit configured, and {@code local[*]} when no master is set. */
final class SparkSessions {

    private SparkSessions() {}

    static SparkSession open(String appName) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        return SparkSession.builder().config(conf).appName(appName).getOrCreate();
    }
}
