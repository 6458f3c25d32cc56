package clearbg.model.nn;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Sets PyTorch's autograd mode for the calling thread until closed, then restores the previous mode.
 * PyTorch's grad mode is thread-local and is ON by default in every new thread (a Spark task thread, a pool
 * thread), so inference and optimiser updates must switch it off explicitly; training switches it on for
 * the forward and backward pass only. Unlike DJL's {@code GradientCollector}, of which one may exist per
 * JVM, this lets replicas on several threads of one JVM train at the same time.
 */
public final class ThreadGradMode implements AutoCloseable {

    private final boolean previous;

    private ThreadGradMode(boolean enabled) {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    /** Records the graph of the operations that follow, for a backward pass. */
    public static ThreadGradMode recording() {
        return new ThreadGradMode(true);
    }

    /** Records nothing (inference, in-place parameter updates). */
    public static ThreadGradMode off() {
        return new ThreadGradMode(false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
