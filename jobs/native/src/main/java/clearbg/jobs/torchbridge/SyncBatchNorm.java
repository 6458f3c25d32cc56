package clearbg.jobs.torchbridge;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import clearbg.model.nn.BatchNormFunction;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Exact SyncBatchNorm, as PyTorch's {@code torch.nn.SyncBatchNorm} computes it, as a C++ autograd function of the
 * native bridge ({@code SyncBatchNormFunction} in clearbg_torch.cpp) that calls back into Java for its two exchanges
 * per layer and step. Forward: each replica's per-channel (count, sum x, sum x²) are summed over the replicas; the
 * global mean and biased variance normalise; the running mean and variance move by the momentum towards the global
 * mean and unbiased variance (identical on every replica). Backward: the per-channel (sum dy, sum dy (x - mean)) are
 * summed over the replicas and give the input's gradient; the weight's and bias's gradients are this replica's own
 * sums, which the data-parallel gradient average turns into the global batch's. So {@code n} replicas of batch
 * {@code b}, each with the mean loss of its batch, compute what one replica computes on the {@code n b} samples.
 * The sums are float64 on the native side; {@link Sum} carries them between the replicas.
 *
 * <p>Every replica must run the same layers in the same order (the same network), so that the exchanges pair up;
 * nothing else may use the same exchange channel concurrently. Exchanges run on the thread of the forward pass and
 * of the backward pass (on the CPU the caller's thread). Close it only when no graph built with it will run
 * backward any more.
 */
public final class SyncBatchNorm implements BatchNormFunction, AutoCloseable {

    /** Sums a small array over all replicas, in place, leaving the same values on every replica. */
    @FunctionalInterface
    public interface Sum {

        /**
         * Replaces {@code values} by their element-wise sum over the replicas, bit-identical on every replica.
         *
         * @throws IOException when the exchange fails
         */
        void sumInPlace(double[] values) throws IOException;
    }

    /** Sums a float32 array over all replicas, in place (the ring's {@code sumInPlace}). */
    @FunctionalInterface
    public interface FloatSum {

        void sumInPlace(float[] values) throws IOException;
    }

    /**
     * A {@link Sum} over a float32 exchange: each replica's float64 sums are rounded to float32 for the wire and the
     * result widened again (relative error about 1e-7 per value, the same on every replica: the exchange leaves
     * bit-identical results, so every replica still normalises with the same statistics).
     */
    public static Sum inFloat32(FloatSum floats) {
        return values -> {
            float[] wire = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                wire[i] = (float) values[i];
            }
            floats.sumInPlace(wire);
            for (int i = 0; i < values.length; i++) {
                values[i] = wire[i];
            }
        };
    }

    private final Sum sum;
    private final long exchange;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private boolean closed;

    /**
     * @param bridge the loaded native bridge
     * @param sum the exchange over the replicas
     */
    public SyncBatchNorm(TorchBridge bridge, Sum sum) {
        this.sum = sum;
        this.exchange = TorchNative.newSyncBatchNorm(this);
    }

    @Override
    public NDArray apply(
            NDArray input,
            NDArray weight,
            NDArray bias,
            NDArray runningMean,
            NDArray runningVar,
            double momentum,
            double eps) {
        if (closed) {
            throw new IllegalStateException("the SyncBatchNorm is closed");
        }
        long output;
        try {
            output = TorchNative.syncBatchNorm(
                    handle(input),
                    handle(weight),
                    handle(bias),
                    handle(runningMean),
                    handle(runningVar),
                    momentum,
                    eps,
                    exchange);
        } catch (IllegalStateException e) {
            Throwable cause = failure.get();
            throw cause == null ? e : new IllegalStateException(e.getMessage() + ": " + cause, cause);
        }
        return new PtNDArray((PtNDManager) input.getManager(), output);
    }

    /**
     * The first failure of the exchange since this was made, if any, with what the replica saw (the native side
     * reports only its message).
     */
    public Throwable firstFailure() {
        return failure.get();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TorchNative.freeSyncBatchNorm(exchange);
        }
    }

    private static long handle(NDArray array) {
        if (!(array instanceof PtNDArray pt)) {
            throw new IllegalArgumentException("not a PyTorch array: " + array);
        }
        return pt.getHandle();
    }

    /** Called by the native side (clearbg_torch.cpp): the sum over the replicas in place; null, or why it failed. */
    @SuppressWarnings("unused")
    private String sumOverReplicas(double[] values) {
        try {
            sum.sumInPlace(values);
            return null;
        } catch (Throwable t) { // nothing may propagate into libtorch
            failure.compareAndSet(null, t);
            return String.valueOf(t);
        }
    }
}
