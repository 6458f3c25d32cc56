package clearbg.model.optim;

import java.util.List;

/**
 * A copy of Adam's state, enough to continue training exactly where it stopped.
 *
 * @param step the number of updates done ({@code t})
 * @param firstMoments {@code m} of each parameter, in the optimiser's parameter order
 * @param secondMoments {@code v} of each parameter, in the same order
 */
public record AdamState(long step, List<float[]> firstMoments, List<float[]> secondMoments) {

    public AdamState {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        if (firstMoments.size() != secondMoments.size()) {
            throw new IllegalArgumentException(
                    "first and second moments differ in count: " + firstMoments.size() + " vs " + secondMoments.size());
        }
        firstMoments = List.copyOf(firstMoments);
        secondMoments = List.copyOf(secondMoments);
    }

    /**
     * Checks that this state fits parameters of the given element counts, in order.
     *
     * @throws IllegalArgumentException naming the first parameter whose moments have another size, or the counts
     */
    public void requireSizes(long[] sizes) {
        if (firstMoments.size() != sizes.length) {
            throw new IllegalArgumentException(
                    "optimiser state has " + firstMoments.size() + " parameters, this model " + sizes.length);
        }
        for (int i = 0; i < sizes.length; i++) {
            if (firstMoments.get(i).length != sizes[i] || secondMoments.get(i).length != sizes[i]) {
                throw new IllegalArgumentException(
                        "optimiser state of parameter " + i + " has the wrong size (expected " + sizes[i] + ")");
            }
        }
    }
}
