package clearbg.jobs.torchbridge;

import java.util.ArrayList;
import java.util.List;

/**
 * Parameters grouped into buckets for an all-reduce during backward, as DDP does: in reverse parameter order (the
 * order in which backward makes their gradients ready: the last layers first), each bucket a run of consecutive
 * parameters of at most {@code capBytes} float32 gradient bytes (a larger parameter alone in its bucket). Bucket
 * {@code 0} holds the last parameters. Each bucket is one window {@code [from, to)} of the flat gradient array,
 * which holds the gradients one after the other in parameter order.
 */
final class GradientBuckets {

    private final int[] firstParameter; // per bucket
    private final int[] endParameter; // per bucket, exclusive
    private final int[] bucketOf; // per parameter
    private final long[] offsets; // per parameter, and the total at the end

    /**
     * @param sizes each parameter's number of elements, in parameter order
     * @param capBytes the most bytes of float32 gradients per bucket (positive)
     */
    GradientBuckets(long[] sizes, long capBytes) {
        if (capBytes <= 0) {
            throw new IllegalArgumentException("the bucket size must be positive: " + capBytes);
        }
        offsets = new long[sizes.length + 1];
        for (int i = 0; i < sizes.length; i++) {
            offsets[i + 1] = offsets[i] + sizes[i];
        }
        bucketOf = new int[sizes.length];
        List<int[]> buckets = new ArrayList<>();
        int end = sizes.length;
        while (end > 0) {
            int first = end - 1;
            while (first > 0 && (offsets[end] - offsets[first - 1]) * Float.BYTES <= capBytes) {
                first--;
            }
            for (int i = first; i < end; i++) {
                bucketOf[i] = buckets.size();
            }
            buckets.add(new int[] {first, end});
            end = first;
        }
        firstParameter = buckets.stream().mapToInt(b -> b[0]).toArray();
        endParameter = buckets.stream().mapToInt(b -> b[1]).toArray();
    }

    int count() {
        return firstParameter.length;
    }

    /** The bucket that holds parameter {@code parameter}. */
    int bucketOf(int parameter) {
        return bucketOf[parameter];
    }

    /** The first parameter of bucket {@code bucket}. */
    int firstParameter(int bucket) {
        return firstParameter[bucket];
    }

    /** The end (exclusive) of bucket {@code bucket}'s parameters. */
    int endParameter(int bucket) {
        return endParameter[bucket];
    }

    /** Bucket {@code bucket}'s first element in the flat array. */
    int from(int bucket) {
        return Math.toIntExact(offsets[firstParameter[bucket]]);
    }

    /** The end (exclusive) of bucket {@code bucket}'s elements in the flat array. */
    int to(int bucket) {
        return Math.toIntExact(offsets[endParameter[bucket]]);
    }
}
