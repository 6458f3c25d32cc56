package clearbg.jobs.tracking;

import java.time.Duration;

/**
 * How often a call that the server never processed (no connection, or HTTP 429/503) is tried, and how long
 * to wait before the first repetition; each later wait doubles.
 *
 * @param attempts tries in all, at least 1
 * @param firstBackoff the wait before the second try
 */
record RetryPolicy(int attempts, Duration firstBackoff) {

    /** Three tries over about 1.5 seconds: rides out a restarting server without stalling a job for long. */
    static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(500));

    RetryPolicy {
        if (attempts < 1 || firstBackoff.isNegative()) {
            throw new IllegalArgumentException("attempts must be at least 1 and the backoff not negative");
        }
    }

    /** The wait before try {@code attempt} (2 for the first repetition). */
    Duration backoffBefore(int attempt) {
        return firstBackoff.multipliedBy(1L << Math.min(20, attempt - 2));
    }
}
