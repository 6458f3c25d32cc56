package clearbg.jobs.train;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeds that make training reproducible whatever the partitioning: an epoch's order depends on (seed,
 * epoch) only, and a sample's augmentation on (seed, epoch, sample id) only.
 */
public final class SampleSeeds {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private SampleSeeds() {}

    /** The seed of epoch {@code epoch}'s sample order. */
    public static long epochOrder(long seed, int epoch) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch).nextLong();
    }

    /**
     * The seed of one sample's augmentation in one epoch: a SplittableRandom draw seeded with the run seed,
     * the epoch and the 64-bit FNV-1a hash of the id's UTF-8 bytes.
     */
    public static long sample(long seed, int epoch, String id) {
        long hash = FNV_OFFSET;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        return new SplittableRandom(epochOrder(seed, epoch) ^ hash).nextLong();
    }
}
