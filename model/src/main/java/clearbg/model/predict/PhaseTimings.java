package clearbg.model.predict;

import java.util.EnumMap;
import java.util.Map;

/**
 * Time spent per {@link Phase}, in nanoseconds: an immutable snapshot of a {@link PhaseTimer}.
 *
 * @param nanos a total for every phase (none negative); copied
 */
public record PhaseTimings(Map<Phase, Long> nanos) {

    public PhaseTimings {
        EnumMap<Phase, Long> copy = new EnumMap<>(Phase.class);
        copy.putAll(nanos);
        for (Phase phase : Phase.values()) {
            Long value = copy.get(phase);
            if (value == null || value < 0) {
                throw new IllegalArgumentException("phase " + phase.label() + " needs a time >= 0, got " + value);
            }
        }
        nanos = Map.copyOf(copy);
    }

    /** The total of one phase. */
    public long nanos(Phase phase) {
        return nanos.get(phase);
    }

    /** The sum over all phases. */
    public long totalNanos() {
        return nanos.values().stream().mapToLong(Long::longValue).sum();
    }
}
