package clearbg.jobs.train;

import clearbg.model.train.GradientExchange;
import java.util.List;

/** A replica group of one (the local {@code clearbg train}): every collective returns at once, unchanged. */
public final class SingleReplica implements ReplicaGroup {

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public List<String> allGather(String message) {
        return List.of(message);
    }

    @Override
    public void averageInPlace(float[] values) {
        // the mean over one replica is the replica's own values
    }

    @Override
    public void averageInPlace(float[] values, GradientExchange.ReadyRanges ready) {
        ready.ready(0, values.length);
    }

    @Override
    public void sumInPlace(float[] values) {
        // the sum over one replica is the replica's own values
    }

    @Override
    public void averageInPlace(float[] values, int from, int to) {
        // the mean over one replica is the replica's own values
    }
}
