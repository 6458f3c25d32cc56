package clearbg.jobs.allreduce;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * How many floats the receiving thread has finished (added or copied into the array) in the current call,
 * counted across all steps. The sending thread waits on it before it sends a chunk that the previous step
 * produces, which pipelines the steps chunk by chunk; the monitor's hand-over also makes the finished
 * floats visible to the sender.
 */
final class ReceiveProgress {

    private final long timeoutNanos;
    private long finished;
    private boolean aborted;

    ReceiveProgress(long timeoutNanos) {
        this.timeoutNanos = timeoutNanos;
    }

    /** Starts a call. */
    synchronized void reset() {
        finished = 0;
        aborted = false;
    }

    /** The receiver finished {@code count} more floats. */
    synchronized void advance(int count) {
        finished += count;
        notifyAll();
    }

    /** Wakes and fails every wait: the call is failing. */
    synchronized void abort() {
        aborted = true;
        notifyAll();
    }

    /**
     * Waits until at least {@code target} floats are finished.
     *
     * @throws IOException when aborted, interrupted, or when the count did not move for the time-out
     */
    synchronized void awaitAtLeast(long target) throws IOException {
        long lastProgress = System.nanoTime();
        long seen = finished;
        while (finished < target) {
            if (aborted) {
                throw new IOException("the call was aborted");
            }
            if (finished != seen) {
                seen = finished;
                lastProgress = System.nanoTime();
            }
            long leftNanos = timeoutNanos - (System.nanoTime() - lastProgress);
            if (leftNanos <= 0) {
                throw new IOException("the receiving side made no progress for "
                        + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, leftNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for received data");
            }
        }
    }
}
