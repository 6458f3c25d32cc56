package clearbg.jobs.spark;

import clearbg.jobs.train.EpochPlan;
import org.apache.spark.Partitioner;

/** Sends a sample keyed {@code rank << 32 | position} ({@link EpochPlan}) to partition {@code rank}. */
public final class RankPartitioner extends Partitioner {

    private final int replicas;

    public RankPartitioner(int replicas) {
        this.replicas = replicas;
    }

    @Override
    public int numPartitions() {
        return replicas;
    }

    @Override
    public int getPartition(Object key) {
        return EpochPlan.rank((Long) key);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RankPartitioner p && p.replicas == replicas;
    }

    @Override
    public int hashCode() {
        return replicas;
    }
}
