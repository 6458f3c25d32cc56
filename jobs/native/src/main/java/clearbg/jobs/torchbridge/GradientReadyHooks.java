package clearbg.jobs.torchbridge;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * Gradient-ready notifications for a list of parameters, from inside autograd's backward pass (DJL's {@code
 * GradientCollector.backward} or {@code JniUtils.backward}): a post hook on each parameter's gradient accumulator,
 * the node that adds a backward's gradient to the parameter's {@code .grad}. As DDP's reducer uses them to start a
 * bucket's all-reduce while the rest of backward runs.
 *
 * <p>Contract: in every backward pass that reaches parameter {@code i}, the listener gets {@code i} exactly once,
 * after that pass's gradient has been added to the parameter's gradient and before backward returns; the later
 * layers' parameters come first (autograd's order). The hooks read nothing and change nothing. The listener runs on
 * the thread that runs that part of backward (on the CPU, the thread that called backward) and must return quickly;
 * should it throw, the first throwable is kept for {@link #rethrowFailure()} and backward goes on. The hooks belong
 * to the parameters' tensors: a parameter whose array is replaced by another loses them.
 *
 * <p>Not thread-safe: {@link #close()} must not run while a backward pass that reaches the parameters does.
 */
public final class GradientReadyHooks implements AutoCloseable {

    private final IntConsumer listener;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final long registration;
    private boolean closed;

    GradientReadyHooks(long[] tensorHandles, IntConsumer listener) {
        this.listener = listener;
        this.registration = TorchNative.addGradientReadyHooks(tensorHandles, this);
    }

    /**
     * Throws the first throwable that the listener threw since the hooks were added, if any.
     *
     * @throws IllegalStateException with that throwable as its cause
     */
    public void rethrowFailure() {
        Throwable first = failure.get();
        if (first != null) {
            throw new IllegalStateException("the gradient-ready listener failed: " + first, first);
        }
    }

    /** Removes the hooks; later backward passes notify nobody. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TorchNative.removeGradientReadyHooks(registration);
        }
    }

    /** Called by the native hook (clearbg_torch.cpp) with the index of a parameter whose gradient is ready. */
    @SuppressWarnings("unused")
    private void onReady(int index) {
        try {
            listener.accept(index);
        } catch (Throwable t) { // nothing may propagate into libtorch's backward
            failure.compareAndSet(null, t);
        }
    }
}
