package clearbg.jobs.torchbridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GradientBucketsTest {

    @Test
    void bucketsRunFromTheLastParameterBackwardsUpToTheCap() {
        // parameters of 10, 20, 5, 40 floats at flat offsets 0, 10, 30, 35; cap 25 floats
        GradientBuckets buckets = new GradientBuckets(new long[] {10, 20, 5, 40}, 25 * Float.BYTES);

        assertEquals(3, buckets.count());
        assertArrayEquals(new int[] {3, 1, 0}, firsts(buckets), "first parameter of each bucket");
        assertArrayEquals(new int[] {4, 3, 1}, ends(buckets), "end of each bucket");
        assertArrayEquals(new int[] {35, 10, 0}, new int[] {buckets.from(0), buckets.from(1), buckets.from(2)});
        assertArrayEquals(new int[] {75, 35, 10}, new int[] {buckets.to(0), buckets.to(1), buckets.to(2)});
        assertArrayEquals(
                new int[] {2, 1, 1, 0},
                new int[] {buckets.bucketOf(0), buckets.bucketOf(1), buckets.bucketOf(2), buckets.bucketOf(3)});
    }

    @Test
    void aLargeCapIsOneBucketAndAZeroCapIsRefused() {
        GradientBuckets one = new GradientBuckets(new long[] {3, 4}, BucketedExchange.DEFAULT_BUCKET_BYTES);

        assertEquals(1, one.count());
        assertEquals(0, one.from(0));
        assertEquals(7, one.to(0));
        assertThrows(IllegalArgumentException.class, () -> new GradientBuckets(new long[] {3}, 0));
    }

    private static int[] firsts(GradientBuckets buckets) {
        int[] firsts = new int[buckets.count()];
        for (int b = 0; b < firsts.length; b++) {
            firsts[b] = buckets.firstParameter(b);
        }
        return firsts;
    }

    private static int[] ends(GradientBuckets buckets) {
        int[] ends = new int[buckets.count()];
        for (int b = 0; b < ends.length; b++) {
            ends[b] = buckets.endParameter(b);
        }
        return ends;
    }
}
