package clearbg.jobs.spark;

import clearbg.jobs.allreduce.WirePrecision;
import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How TrainJob's replicas form and use their gradient ring, the same for every replica.
 *
 * @param timeout the time-out of every socket operation and of forming the ring
 * @param wire what the gradients travel as: float32 (exact, the default) or bfloat16 (half the bytes; sums
 *     still in float32, the averaged gradients rounded to bfloat16)
 */
public record RingChoice(Duration timeout, WirePrecision wire) implements Serializable {

    public RingChoice {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(wire, "wire");
    }
}
