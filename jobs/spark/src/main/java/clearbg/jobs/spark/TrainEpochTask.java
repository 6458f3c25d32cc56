package clearbg.jobs.spark;

import clearbg.jobs.train.EpochRunner;
import clearbg.jobs.train.StepLog;
import clearbg.jobs.train.TableSample;
import clearbg.jobs.train.TrainSettings;
import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import scala.Tuple2;

/**
 * The body of one barrier task of a training epoch: this replica's shard (keys {@code rank << 32 |
 * position}, sorted) trained by an {@link EpochRunner} on the task's device and cores, with the replicas
 * joined in a ring.
 */
public final class TrainEpochTask implements Serializable {

    private final TrainSettings settings;
    private final HadoopFiles files;
    private final int epoch;
    private final int stepsPerEpoch;
    private final String trackingRunId;
    private final RingChoice ring;

    public TrainEpochTask(
            TrainSettings settings,
            HadoopFiles files,
            int epoch,
            int stepsPerEpoch,
            String trackingRunId,
            RingChoice ring) {
        this.settings = settings;
        this.files = files;
        this.epoch = epoch;
        this.stepsPerEpoch = stepsPerEpoch;
        this.trackingRunId = trackingRunId;
        this.ring = ring;
    }

    /** The number of replicas. */
    public int workers() {
        return settings.workers();
    }

    /** The epoch trained. */
    public int epoch() {
        return epoch;
    }

    /** The epoch's length in steps. */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** Trains the shard; returns replica 0's step logs. */
    public Iterator<StepLog> train(Iterator<Tuple2<Long, TableSample>> shard) throws Exception {
        BarrierTaskContext context = BarrierTaskContext.get();
        TaskResources.limitThreads(context);
        try (BarrierReplicaGroup group = BarrierReplicaGroup.open(context, ring)) {
            Iterator<TableSample> samples = new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return shard.hasNext();
                }

                @Override
                public TableSample next() {
                    return shard.next()._2();
                }
            };
            EpochRunner runner = new EpochRunner(settings, files, group, TaskResources.device(context), log -> {});
            List<StepLog> logs = runner.run(epoch, stepsPerEpoch, samples, trackingRunId);
            return logs.iterator();
        }
    }
}
