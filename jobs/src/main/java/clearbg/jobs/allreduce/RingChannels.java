package clearbg.jobs.allreduce;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * One rank's two ring connections, non-blocking, driven by one thread through one selector: floats go out
 * to the next rank while floats come in from the previous one, so a transfer of any size cannot deadlock on
 * full socket buffers, and neither direction waits for the other.
 *
 * <p>Data is staged through two direct buffers of {@code chunkBytes} each (little-endian, which is the wire
 * format), reused by every call: floats are copied in bulk into the send buffer, and the receive buffer is
 * copied in bulk into a float scratch array, then added to or copied into the destination element by
 * element. Element {@code i} of the result is a function of element {@code i} of the inputs only, so the
 * chunk size never changes a result.
 *
 * <p>A wait with no progress in either direction for longer than the time-out fails with an
 * {@link IOException}; so does a peer that closes its end. {@link #close()} may be called from another
 * thread to abort a transfer in progress.
 */
final class RingChannels implements AutoCloseable {

    /** What to do with each received element. */
    enum Combine {
        /** destination = destination + received */
        ADD,
        /** destination = received */
        COPY
    }

    /**
     * What a rank is about to do, sent ahead of every collective call.
     *
     * @param operation the operation's code
     * @param length the number of elements
     */
    record CallHeader(int operation, long length) {

        static final int BYTES = Integer.BYTES + Long.BYTES;
    }

    private final SocketChannel toNext;
    private final SocketChannel fromPrevious;
    private final String nextPeer;
    private final String previousPeer;
    private final long timeoutNanos;
    private final Selector selector;
    private final SelectionKey sendKey;
    private final SelectionKey receiveKey;
    private final ByteBuffer sendBytes;
    private final ByteBuffer receiveBytes;
    private final FloatBuffer sendFloats;
    private final FloatBuffer receiveFloats;
    private final float[] scratch;
    private final ByteBuffer sendHeader = ByteBuffer.allocate(CallHeader.BYTES);
    private final ByteBuffer receiveHeader = ByteBuffer.allocate(CallHeader.BYTES);
    private volatile boolean closed;

    /**
     * Takes ownership of both connected channels (closed by {@link #close()}, also when this constructor
     * fails).
     */
    RingChannels(SocketChannel toNext, String nextPeer, SocketChannel fromPrevious, String previousPeer,
            RingSettings settings) throws IOException {
        this.toNext = toNext;
        this.fromPrevious = fromPrevious;
        this.nextPeer = nextPeer;
        this.previousPeer = previousPeer;
        this.timeoutNanos = settings.timeout().toNanos();
        Selector opened = null;
        try {
            opened = Selector.open();
            toNext.configureBlocking(false);
            fromPrevious.configureBlocking(false);
            this.sendKey = toNext.register(opened, 0);
            this.receiveKey = fromPrevious.register(opened, 0);
        } catch (IOException | RuntimeException e) {
            closeQuietly(opened, toNext, fromPrevious);
            throw e;
        }
        this.selector = opened;
        this.sendBytes = ByteBuffer.allocateDirect(settings.chunkBytes()).order(ByteOrder.LITTLE_ENDIAN);
        this.receiveBytes = ByteBuffer.allocateDirect(settings.chunkBytes()).order(ByteOrder.LITTLE_ENDIAN);
        this.sendFloats = sendBytes.asFloatBuffer();
        this.receiveFloats = receiveBytes.asFloatBuffer();
        this.scratch = new float[settings.chunkBytes() / Float.BYTES];
    }

    /**
     * Sends this rank's header to the next rank and returns the header the previous rank sent, so that a
     * call made with different arguments on different ranks can fail with a clear message instead of
     * exchanging mismatched data.
     */
    CallHeader exchangeHeader(CallHeader mine) throws IOException {
        sendHeader.clear();
        sendHeader.putInt(mine.operation()).putLong(mine.length()).flip();
        receiveHeader.clear();
        long lastProgress = System.nanoTime();
        while (sendHeader.hasRemaining() || receiveHeader.hasRemaining()) {
            boolean progress = sendHeader.hasRemaining() && send(sendHeader) > 0;
            progress |= receiveHeader.hasRemaining() && receive(receiveHeader) > 0;
            lastProgress = progress ? System.nanoTime() : awaitReady(sendHeader.hasRemaining(), receiveHeader.hasRemaining(), lastProgress);
        }
        receiveHeader.flip();
        return new CallHeader(receiveHeader.getInt(), receiveHeader.getLong());
    }

    /**
     * Sends {@code data[sendFrom, sendFrom + sendCount)} to the next rank while receiving
     * {@code receiveCount} floats from the previous rank into {@code data[receiveFrom, ...)}, combined as
     * {@code combine} says. The two ranges must not overlap. Returns when both are complete.
     */
    void transfer(float[] data, int sendFrom, int sendCount, int receiveFrom, int receiveCount, Combine combine)
            throws IOException {
        int staged = 0;
        int received = 0;
        sendBytes.clear().limit(0);
        prepareReceive(receiveCount);
        long lastProgress = System.nanoTime();
        while (true) {
            if (!sendBytes.hasRemaining() && staged < sendCount) {
                int count = Math.min(scratch.length, sendCount - staged);
                sendFloats.clear();
                sendFloats.put(data, sendFrom + staged, count);
                sendBytes.clear().limit(count * Float.BYTES);
                staged += count;
            }
            boolean progress = sendBytes.hasRemaining() && send(sendBytes) > 0;
            if (received < receiveCount) {
                progress |= receive(receiveBytes) > 0;
                if (!receiveBytes.hasRemaining()) {
                    int count = receiveBytes.limit() / Float.BYTES;
                    combine(data, receiveFrom + received, count, combine);
                    received += count;
                    prepareReceive(receiveCount - received);
                }
            }
            boolean sending = staged < sendCount || sendBytes.hasRemaining();
            boolean receiving = received < receiveCount;
            if (!sending && !receiving) {
                return;
            }
            lastProgress = progress ? System.nanoTime() : awaitReady(sending, receiving, lastProgress);
        }
    }

    private void prepareReceive(int floatsLeft) {
        receiveBytes.clear().limit(Math.min(scratch.length, floatsLeft) * Float.BYTES);
    }

    private void combine(float[] data, int at, int count, Combine combine) {
        receiveFloats.clear();
        if (combine == Combine.COPY) {
            receiveFloats.get(data, at, count);
            return;
        }
        receiveFloats.get(scratch, 0, count);
        for (int i = 0; i < count; i++) {
            data[at + i] += scratch[i];
        }
    }

    private int send(ByteBuffer bytes) throws IOException {
        try {
            return toNext.write(bytes);
        } catch (IOException e) {
            throw new IOException("sending to " + nextPeer + " failed: " + describe(e), e);
        }
    }

    private int receive(ByteBuffer bytes) throws IOException {
        int count;
        try {
            count = fromPrevious.read(bytes);
        } catch (IOException e) {
            throw new IOException("receiving from " + previousPeer + " failed: " + describe(e), e);
        }
        if (count < 0) {
            throw new IOException(previousPeer + " closed the connection (it failed or stopped)");
        }
        return count;
    }

    /**
     * Waits until a wanted direction is ready. Returns the time of the last progress, unchanged when the
     * wait ended without readiness (a wake-up) but the time-out has not passed yet.
     */
    private long awaitReady(boolean sending, boolean receiving, long lastProgress) throws IOException {
        if (closed) {
            throw new IOException("the ring was closed during a transfer");
        }
        sendKey.interestOps(sending ? SelectionKey.OP_WRITE : 0);
        receiveKey.interestOps(receiving ? SelectionKey.OP_READ : 0);
        long waitedNanos = System.nanoTime() - lastProgress;
        long leftMillis = TimeUnit.NANOSECONDS.toMillis(timeoutNanos - waitedNanos);
        int ready = leftMillis > 0 ? selector.select(leftMillis) : 0;
        selector.selectedKeys().clear();
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted while waiting for " + waitingFor(sending, receiving));
        }
        if (closed) {
            throw new IOException("the ring was closed during a transfer");
        }
        if (ready > 0) {
            return System.nanoTime();
        }
        if (System.nanoTime() - lastProgress >= timeoutNanos) {
            throw new IOException("no progress for " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms waiting for "
                    + waitingFor(sending, receiving));
        }
        return lastProgress;
    }

    private String waitingFor(boolean sending, boolean receiving) {
        String out = "room to send to " + nextPeer;
        String in = "data from " + previousPeer;
        return sending && receiving ? out + " and " + in : sending ? out : in;
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Closes the selector and both channels; idempotent, callable from any thread. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(selector, toNext, fromPrevious);
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception ignored) {
                    // closing on a failure path: the original failure is what the caller reports
                }
            }
        }
    }
}
