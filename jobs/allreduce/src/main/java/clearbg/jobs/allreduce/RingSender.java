package clearbg.jobs.allreduce;

import clearbg.jobs.allreduce.RingReceiver.CallHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The sending half of a rank: streams floats to the next rank through one reusable direct buffer of
 * {@code chunkBytes} (little-endian, the wire format), filled by a bulk copy from the array, or in
 * {@link WirePrecision#BF16} by the floats rounded to bfloat16 ({@link Bfloat16#round}). Used by one
 * thread at a time.
 */
final class RingSender implements AutoCloseable {

    private final ReadinessWait writable;
    private final String nextPeer;
    private final WirePrecision wire;
    private final int chunkElements;
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final ShortBuffer shorts;
    private final short[] halves;
    private final ByteBuffer header = ByteBuffer.allocate(CallHeader.BYTES);

    /** Takes ownership of {@code toNext} (closed by {@link #close()}, also when this constructor fails). */
    RingSender(SocketChannel toNext, String nextPeer, RingSettings settings) throws IOException {
        this.nextPeer = nextPeer;
        this.writable = new ReadinessWait(
                toNext, SelectionKey.OP_WRITE, settings.timeout().toNanos(), "room to send to " + nextPeer);
        this.wire = settings.wire();
        this.chunkElements = settings.chunkElements();
        this.bytes = ByteBuffer.allocateDirect(settings.chunkBytes()).order(ByteOrder.LITTLE_ENDIAN);
        this.floats = bytes.asFloatBuffer();
        this.shorts = bytes.asShortBuffer();
        this.halves = new short[wire == WirePrecision.BF16 ? chunkElements : 0];
    }

    /** Sends what this rank is about to do, ahead of the data of a call. */
    void sendHeader(CallHeader mine) throws IOException {
        header.clear();
        header.putInt(mine.operation())
                .putInt(mine.wire().ordinal())
                .putLong(mine.length())
                .putLong(mine.from())
                .putLong(mine.to())
                .flip();
        drain(header);
    }

    /**
     * Sends {@code data[from, from + count)}. When {@code readyFrom >= 0} these floats are produced by the
     * receiver during this call: the chunk {@code [from + k, from + k + c)} is sent only once
     * {@code progress} has reached {@code readyFrom + k + c}.
     */
    void send(float[] data, int from, int count, long readyFrom, ReceiveProgress progress) throws IOException {
        for (int staged = 0; staged < count; ) {
            int chunk = Math.min(chunkElements, count - staged);
            if (readyFrom >= 0) {
                progress.awaitAtLeast(readyFrom + staged + chunk);
            }
            stage(data, from + staged, chunk);
            bytes.clear().limit(chunk * wire.bytesPerElement());
            drain(bytes);
            staged += chunk;
        }
    }

    private void stage(float[] data, int at, int count) {
        if (wire == WirePrecision.FP32) {
            floats.clear();
            floats.put(data, at, count);
            return;
        }
        Bfloat16.roundAll(data, at, halves, 0, count);
        shorts.clear();
        shorts.put(halves, 0, count);
    }

    private void drain(ByteBuffer buffer) throws IOException {
        long lastProgress = System.nanoTime();
        while (buffer.hasRemaining()) {
            int written;
            try {
                written = writable.channel().write(buffer);
            } catch (IOException e) {
                throw new IOException("sending to " + nextPeer + " failed: " + Failures.describe(e), e);
            }
            lastProgress = written > 0 ? System.nanoTime() : writable.await(lastProgress);
        }
    }

    /** Closes the connection; idempotent, callable from any thread. */
    @Override
    public void close() {
        writable.close();
    }
}
