package clearbg.jobs.tracking;

import java.util.ArrayList;
import java.util.List;

/** Splits a list into consecutive pieces of bounded size, for APIs that cap how much one call may carry. */
final class Chunks {

    private Chunks() {}

    /**
     * The items in order, cut into lists of {@code size} items (the last one may be shorter); none for an
     * empty list.
     *
     * @throws IllegalArgumentException when {@code size} is not positive
     */
    static <T> List<List<T>> of(List<T> items, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("chunk size must be positive, got " + size);
        }
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < items.size(); from += size) {
            chunks.add(List.copyOf(items.subList(from, Math.min(items.size(), from + size))));
        }
        return chunks;
    }
}
