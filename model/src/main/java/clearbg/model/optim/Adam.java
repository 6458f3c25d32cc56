package clearbg.model.optim;

import ai.djl.Device;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * Adam with PyTorch's semantics ({@code torch.optim.Adam}, single-tensor path), which DJL's Adam does not have
 * (it adds eps elsewhere). At step {@code t} (1-based), for each parameter {@code p} with gradient {@code g}:
 *
 * <pre>
 *   g   = g + wd p                                   (when weight decay is set)
 *   m   = b1 m + (1 - b1) g
 *   v   = b2 v + (1 - b2) g^2
 *   p   = p - (lr / (1 - b1^t)) m / ( sqrt(v) / sqrt(1 - b2^t) + eps )
 * </pre>
 *
 * in float32 with the scalars rounded to float32, as PyTorch's CPU kernels compute them; then every gradient is
 * set to zero for the next backward pass (PyTorch accumulates gradients: {@code zero_grad(set_to_none=False)}).
 * Parameters on the CPU are updated by {@link HostAdam} (one fused pass over host memory), others by
 * {@link DeviceAdam} (tensor operations on their device); both give the same numbers.
 */
public interface Adam extends AutoCloseable {

    /**
     * Adam for {@code parameters}, in a fixed order (the order of the state): {@link HostAdam} when every one lives
     * on the CPU, else {@link DeviceAdam}.
     */
    static Adam create(AdamSettings settings, List<Parameter> parameters) {
        boolean onCpu = parameters.stream()
                .allMatch(p -> Device.Type.CPU.equals(p.getArray().getDevice().getDeviceType()));
        return onCpu ? new HostAdam(settings, parameters) : new DeviceAdam(settings, parameters);
    }

    /** Applies one update with the gradients attached to the parameters, then zeroes the gradients. */
    void step(double learningRate);

    /**
     * Starts one update whose gradients are {@code flat}, every parameter's gradient concatenated in order (the
     * layout of {@link FlatGradients}), rather than those attached to the parameters, which are left alone: the
     * caller applies it range by range as ranges of {@code flat} become ready (the all-reduce's averages), then
     * finishes it. The result equals {@link #step} with those gradients attached, bit for bit.
     */
    FlatStep beginFlatStep(double learningRate, float[] flat);

    /**
     * One update from a flat gradient array, applied in ranges. Not thread-safe: calls come from one thread at a
     * time (which may differ from call to call when they are ordered by a happens-before edge, as an executor's
     * tasks and the wait for them are).
     */
    interface FlatStep {

        /**
         * Updates the parameters' elements at flat positions {@code [offset, offset + length)}; over one step the
         * ranges cover the array exactly once, in any order.
         */
        void update(int offset, int length);

        /** Completes the step, after every range. */
        void finish();
    }

    /** A copy of the moments and the step count. */
    AdamState state();

    /** The number of updates done so far ({@code t}). */
    long stepCount();

    /**
     * Parameter {@code index}'s first moment {@code m} as it is now, without a copy where the optimiser keeps it on
     * the heap ({@link HostAdam}: its own array, to be read only and only until the next step or restore), else a
     * host copy. For streaming a checkpoint one tensor at a time.
     */
    float[] firstMoment(int index);

    /** As {@link #firstMoment}, for the second moment {@code v}. */
    float[] secondMoment(int index);

    /**
     * Replaces the moments and the step count by {@code state}'s (checked first: nothing changes when a count or
     * size differs). {@link HostAdam} takes the state's arrays over instead of copying them (the caller must not use
     * them afterwards), so that restoring a large checkpoint does not hold its moments twice.
     */
    void restore(AdamState state);

    @Override
    void close();

    /** The element count of each parameter, in order. */
    static long[] sizes(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).toArray();
    }
}
