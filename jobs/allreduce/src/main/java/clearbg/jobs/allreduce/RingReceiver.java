package clearbg.jobs.allreduce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The receiving half of a rank: reads floats from the previous rank into one reusable direct buffer of
 * {@code chunkBytes} and combines each full chunk into the destination: straight from the buffer on SIMD lanes
 * ({@link Float32Lanes}) where the JVM has the Vector API, else copied in bulk into a scratch array first and
 * combined element by element ({@link WirePrecision#BF16}: each bfloat16 widened exactly as it is combined). Element
 * {@code i} of a result depends only on element {@code i} of the inputs, so the chunk size never changes a
 * result. Used by one thread at a time.
 */
final class RingReceiver implements AutoCloseable {

    /**
     * What a rank is about to do, sent ahead of every call so that calls with different arguments on
     * different ranks fail with a clear message instead of exchanging mismatched data.
     *
     * @param operation the operation's code
     * @param wire what the elements travel as
     * @param length the number of elements of the array
     * @param from the first element of the window the call reduces
     * @param to the end of that window (exclusive)
     */
    record CallHeader(int operation, WirePrecision wire, long length, long from, long to) {

        static final int BYTES = Integer.BYTES + Integer.BYTES + 3 * Long.BYTES;
    }

    /** What to do with each received element {@code x} and the destination element {@code d}. */
    enum Combine {
        /** {@code d = d + x} */
        ADD,
        /** {@code d = (d + x) * scale}, both rounded to float */
        ADD_THEN_SCALE,
        /** {@code d = x} */
        COPY
    }

    private final ReadinessWait readable;
    private final String previousPeer;
    private final WirePrecision wire;
    private final ByteBuffer bytes;
    private final FloatBuffer floats;
    private final ShortBuffer shorts;
    private final short[] halves;
    private final float[] scratch;
    private final ByteBuffer header = ByteBuffer.allocate(CallHeader.BYTES);

    /** Takes ownership of {@code fromPrevious} (closed by {@link #close()}, also when this constructor fails). */
    RingReceiver(SocketChannel fromPrevious, String previousPeer, RingSettings settings) throws IOException {
        this.previousPeer = previousPeer;
        this.readable = new ReadinessWait(
                fromPrevious, SelectionKey.OP_READ, settings.timeout().toNanos(), "data from " + previousPeer);
        this.wire = settings.wire();
        this.bytes = ByteBuffer.allocateDirect(settings.chunkBytes()).order(ByteOrder.LITTLE_ENDIAN);
        this.floats = bytes.asFloatBuffer();
        this.shorts = bytes.asShortBuffer();
        this.scratch = new float[settings.chunkElements()];
        this.halves = new short[wire == WirePrecision.BF16 ? scratch.length : 0];
    }

    /** Reads the previous rank's header of a call. */
    CallHeader receiveHeader() throws IOException {
        header.clear();
        fill(header);
        header.flip();
        int operation = header.getInt();
        int wireCode = header.getInt();
        long length = header.getLong();
        long from = header.getLong();
        long to = header.getLong();
        if (wireCode < 0 || wireCode >= WirePrecision.values().length) {
            throw new IOException(previousPeer + " sent an unknown wire precision " + wireCode);
        }
        return new CallHeader(operation, WirePrecision.values()[wireCode], length, from, to);
    }

    /**
     * Receives {@code count} floats into {@code data[from, from + count)}, combined as {@code combine} says,
     * and reports each finished chunk to {@code progress}, and to {@code finished} when the chunk now holds its
     * final result. With {@code roundToWire} each combined element is then rounded to what the wire carries (the
     * completed sums in {@link WirePrecision#BF16}, so the rank that owns them holds the same bits it sends).
     */
    void receive(
            float[] data,
            int from,
            int count,
            Combine combine,
            float scale,
            boolean roundToWire,
            ReceiveProgress progress,
            FinalRanges finished)
            throws IOException {
        for (int done = 0; done < count; ) {
            int chunk = Math.min(scratch.length, count - done);
            bytes.clear().limit(chunk * wire.bytesPerElement());
            fill(bytes);
            if (wire == WirePrecision.BF16) {
                combineHalves(data, from + done, chunk, combine, scale, roundToWire);
            } else {
                combine(data, from + done, chunk, combine, scale);
            }
            progress.advance(chunk);
            finished.ready(from + done, chunk);
            done += chunk;
        }
    }

    private void combine(float[] data, int at, int count, Combine combine, float scale) {
        floats.clear();
        if (combine == Combine.COPY) {
            floats.get(data, at, count);
            return;
        }
        if (ReceiverLanes.AVAILABLE) {
            // reduced in place from the received bytes, on SIMD lanes
            if (combine == Combine.ADD) {
                Float32Lanes.add(bytes, data, at, count);
            } else {
                Float32Lanes.addThenScale(bytes, data, at, count, scale);
            }
            return;
        }
        floats.get(scratch, 0, count);
        if (combine == Combine.ADD) {
            for (int i = 0; i < count; i++) {
                data[at + i] += scratch[i];
            }
        } else {
            addThenScale(data, at, count, scale);
        }
    }

    /** As {@link #combine} for bfloat16 elements, then each result rounded to bfloat16 when {@code round}. */
    private void combineHalves(float[] data, int at, int count, Combine combine, float scale, boolean round) {
        shorts.clear();
        shorts.get(halves, 0, count);
        if (combine == Combine.COPY) {
            Bfloat16.widenAll(halves, data, at, count);
        } else if (combine == Combine.ADD) {
            Bfloat16.addWidenedAll(halves, data, at, count);
        } else {
            Bfloat16.widenAll(halves, scratch, 0, count);
            addThenScale(data, at, count, scale);
        }
        if (round) {
            Bfloat16.roundAllInPlace(data, at, count);
        }
    }

    private void addThenScale(float[] data, int at, int count, float scale) {
        for (int i = 0; i < count; i++) {
            data[at + i] = (data[at + i] + scratch[i]) * scale;
        }
    }

    private void fill(ByteBuffer buffer) throws IOException {
        long lastProgress = System.nanoTime();
        while (buffer.hasRemaining()) {
            int read;
            try {
                read = readable.channel().read(buffer);
            } catch (IOException e) {
                throw new IOException("receiving from " + previousPeer + " failed: " + Failures.describe(e), e);
            }
            if (read < 0) {
                throw new IOException(previousPeer + " closed the connection (it failed or stopped)");
            }
            lastProgress = read > 0 ? System.nanoTime() : readable.await(lastProgress);
        }
    }

    /** Closes the connection; idempotent, callable from any thread. */
    @Override
    public void close() {
        readable.close();
    }
}
