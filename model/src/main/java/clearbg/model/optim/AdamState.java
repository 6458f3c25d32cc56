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
}
