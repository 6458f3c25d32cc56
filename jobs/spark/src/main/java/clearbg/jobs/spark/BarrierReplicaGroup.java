package clearbg.jobs.spark;

import clearbg.jobs.allreduce.FinalRanges;
import clearbg.jobs.allreduce.RingAllReduce;
import clearbg.jobs.allreduce.RingEndpoint;
import clearbg.jobs.allreduce.RingSettings;
import clearbg.jobs.train.ReplicaGroup;
import clearbg.model.train.GradientExchange;
import java.io.IOException;
import java.util.List;
import org.apache.spark.BarrierTaskContext;

/**
 * The replicas of a Spark barrier stage: rank = partition id, size = the stage's task count. Messages go
 * through the barrier context's {@code allGather}; gradients through a {@link RingAllReduce} whose peers
 * find and authenticate each other through one {@code allGather} of their introductions (each task's
 * listening address on its executor's host and its random share of the ring's key, made new for every
 * stage attempt). So the key travels only over Spark's driver RPC, which {@code spark.authenticate} and
 * {@code spark.network.crypto.enabled} protect; the ring's own sockets carry proofs of it, never the key.
 * A failure on one task fails the stage (Spark kills the other barrier tasks, and the ring's time-outs end
 * any transfer in flight).
 */
public final class BarrierReplicaGroup implements ReplicaGroup, AutoCloseable {

    private final BarrierTaskContext context;
    private final RingAllReduce ring;

    private BarrierReplicaGroup(BarrierTaskContext context, RingAllReduce ring) {
        this.context = context;
        this.ring = ring;
    }

    /**
     * Forms the ring of this barrier stage: listens on the executor's host (as Spark knows it from the task
     * infos), shares the introduction through one {@code allGather} and connects.
     *
     * @param ring the time-out of every socket operation and of forming the ring, and the wire precision
     */
    public static BarrierReplicaGroup open(BarrierTaskContext context, RingChoice ring) throws IOException {
        int rank = context.partitionId();
        int size = context.getTaskInfos().length;
        String executorAddress = context.getTaskInfos()[rank].address();
        String host = executorAddress.contains(":")
                ? executorAddress.substring(0, executorAddress.lastIndexOf(':'))
                : executorAddress;
        String token = "stage-" + context.stageId() + "-attempt-" + context.stageAttemptNumber();
        try (RingEndpoint endpoint = RingAllReduce.listen(
                RingSettings.of(rank, size).withTimeout(ring.timeout()).withWire(ring.wire()), host, token)) {
            List<String> introductions = List.of(context.allGather(endpoint.introduction()));
            return new BarrierReplicaGroup(context, endpoint.connect(introductions));
        }
    }

    @Override
    public int rank() {
        return context.partitionId();
    }

    @Override
    public int size() {
        return context.getTaskInfos().length;
    }

    @Override
    public List<String> allGather(String message) {
        return List.of(context.allGather(message));
    }

    @Override
    public void averageInPlace(float[] values) throws IOException {
        ring.averageInPlace(values);
    }

    @Override
    public void averageInPlace(float[] values, GradientExchange.ReadyRanges ready) throws IOException {
        ring.averageInPlace(values, ready::ready);
    }

    @Override
    public void sumInPlace(float[] values) throws IOException {
        ring.sumInPlace(values);
    }

    @Override
    public void averageInPlace(float[] values, int from, int to) throws IOException {
        ring.averageInPlace(values, from, to, FinalRanges.NONE);
    }

    @Override
    public void close() {
        ring.close();
    }
}
