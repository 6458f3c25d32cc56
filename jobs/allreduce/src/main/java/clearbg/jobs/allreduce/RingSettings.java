package clearbg.jobs.allreduce;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Where one rank sits in the ring and how it moves data.
 *
 * @param rank this process's position in the ring, in {@code [0, worldSize)}; it sends to
 *     {@code (rank + 1) % worldSize} and receives from {@code (rank - 1 + worldSize) % worldSize}
 * @param worldSize how many ranks take part, at least 1; every rank must be given the same value
 * @param chunkBytes how many bytes of a segment are staged, sent and received at a time (the size of the
 *     reusable send and receive buffers); at least {@value #MIN_CHUNK_BYTES} and a multiple of 4 (one
 *     float). Results never depend on it; only speed and memory do.
 * @param timeout the longest wait for any progress: connecting and the handshake must finish within it,
 *     and during a reduction a socket that can neither be read nor written for this long fails the call
 * @param wire what the floats travel as ({@link WirePrecision}); every rank must be given the same value
 */
public record RingSettings(int rank, int worldSize, int chunkBytes, Duration timeout, WirePrecision wire)
        implements Serializable {

    /**
     * The default chunk: 1 MiB. Per-chunk system calls and thread hand-overs cost little at this size, and a
     * chunk never exceeds a rank's segment (S / n), so at large n the chunks shrink with the segments. In
     * bench/allreduce_bench.sh on a 2-core EPYC VM, since the receiver reduces in place, 1 MiB gave 97% and 102% of
     * the raw both-ways loopback bandwidth against 76% and 83% for 4 MiB (two runs; 81% against 72% before the
     * in-place reduction).
     */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;

    /** The smallest allowed chunk. */
    public static final int MIN_CHUNK_BYTES = 4096;

    /** The default time-out: 120 s, long enough for a slow rank to finish its backward pass. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);

    public RingSettings {
        if (worldSize < 1) {
            throw new IllegalArgumentException("world size must be at least 1, got " + worldSize);
        }
        if (rank < 0 || rank >= worldSize) {
            throw new IllegalArgumentException("rank must be in [0, " + worldSize + "), got " + rank);
        }
        if (chunkBytes < MIN_CHUNK_BYTES || chunkBytes % Float.BYTES != 0) {
            throw new IllegalArgumentException(
                    "chunk bytes must be a multiple of 4 and at least " + MIN_CHUNK_BYTES + ", got " + chunkBytes);
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(wire, "wire");
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() == 0) {
            throw new IllegalArgumentException("timeout must be at least 1 ms, got " + timeout);
        }
    }

    /** Settings with float32 on the wire. */
    public RingSettings(int rank, int worldSize, int chunkBytes, Duration timeout) {
        this(rank, worldSize, chunkBytes, timeout, WirePrecision.FP32);
    }

    /** Settings with the default chunk size and time-out, float32 on the wire. */
    public static RingSettings of(int rank, int worldSize) {
        return new RingSettings(rank, worldSize, DEFAULT_CHUNK_BYTES, DEFAULT_TIMEOUT);
    }

    /** The same ring position with another chunk size. */
    public RingSettings withChunkBytes(int newChunkBytes) {
        return new RingSettings(rank, worldSize, newChunkBytes, timeout, wire);
    }

    /** The same ring position with another time-out. */
    public RingSettings withTimeout(Duration newTimeout) {
        return new RingSettings(rank, worldSize, chunkBytes, newTimeout, wire);
    }

    /** The same ring position with another wire precision. */
    public RingSettings withWire(WirePrecision newWire) {
        return new RingSettings(rank, worldSize, chunkBytes, timeout, newWire);
    }

    /** How many elements one chunk holds on the wire. */
    int chunkElements() {
        return chunkBytes / wire.bytesPerElement();
    }

    /** The rank this one sends to. */
    public int next() {
        return (rank + 1) % worldSize;
    }

    /** The rank this one receives from. */
    public int previous() {
        return (rank - 1 + worldSize) % worldSize;
    }
}
