package clearbg.jobs.allreduce;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Waits, with a time-out, until one non-blocking channel can be read (or written). The time-out counts from
 * the caller's last progress, so it bounds a stall, not a whole transfer. Owns its selector and, once
 * constructed, the channel; {@link #close()} from another thread ends a wait at once.
 */
final class ReadinessWait implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector selector;
    private final long timeoutNanos;
    private final String waitingFor;
    private volatile boolean closed;

    /**
     * @param operation {@link SelectionKey#OP_READ} or {@link SelectionKey#OP_WRITE}
     * @param waitingFor what a stall waits for, for messages ("data from rank 0 at host:port")
     */
    ReadinessWait(SocketChannel channel, int operation, long timeoutNanos, String waitingFor) throws IOException {
        this.channel = channel;
        this.timeoutNanos = timeoutNanos;
        this.waitingFor = waitingFor;
        Selector opened = null;
        try {
            opened = Selector.open();
            channel.configureBlocking(false);
            channel.register(opened, operation);
        } catch (IOException | RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            channel.close();
            throw e;
        }
        this.selector = opened;
    }

    /** The channel, non-blocking. */
    SocketChannel channel() {
        return channel;
    }

    /** What this waits for, for messages. */
    String waitingFor() {
        return waitingFor;
    }

    /**
     * Waits until the channel is ready. Returns the new time of last progress: now when it became ready,
     * or {@code lastProgress} unchanged after a wake-up without readiness.
     *
     * @throws IOException when nothing happened for the time-out since {@code lastProgress}, on an interrupt,
     *     or when closed
     */
    long await(long lastProgress) throws IOException {
        failIfClosed();
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos - (System.nanoTime() - lastProgress));
        int ready;
        try {
            ready = leftMillis > 0 ? selector.select(leftMillis) : 0;
            selector.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw new IOException("the ring was closed during a transfer", e);
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while waiting for " + waitingFor);
        }
        failIfClosed();
        if (ready > 0) {
            return System.nanoTime();
        }
        if (System.nanoTime() - lastProgress >= timeoutNanos) {
            throw new IOException(
                    "no progress for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms waiting for " + waitingFor);
        }
        return lastProgress;
    }

    private void failIfClosed() throws IOException {
        if (closed) {
            throw new IOException("the ring was closed during a transfer");
        }
    }

    /** Closes the selector and the channel; idempotent, callable from any thread. */
    @Override
    public void close() {
        closed = true;
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
