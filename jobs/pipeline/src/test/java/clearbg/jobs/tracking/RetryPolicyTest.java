package clearbg.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void eachWaitDoublesThePreviousOne() {
        RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(500));
        assertEquals(Duration.ofMillis(500), policy.backoffBefore(2));
        assertEquals(Duration.ofMillis(1000), policy.backoffBefore(3));
        assertEquals(Duration.ofMillis(2000), policy.backoffBefore(4));
    }

    @Test
    void needsAtLeastOneAttempt() {
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO));
    }
}
