package clearbg.jobs.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingKeyTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] TOKEN = "stage-3-attempt-0".getBytes(StandardCharsets.UTF_8);
    private static final byte[] MESSAGE = "a transcript".getBytes(StandardCharsets.UTF_8);

    @Test
    void ranksWithTheSameSharesAndTokenDeriveTheSameKey() {
        List<byte[]> shares = List.of(RingKey.newShare(RANDOM), RingKey.newShare(RANDOM), RingKey.newShare(RANDOM));
        byte[] proof = RingKey.derive(TOKEN, shares).prove(MESSAGE);
        assertEquals(RingKey.SHARE_BYTES, proof.length);
        assertArrayEquals(
                proof,
                RingKey.derive(TOKEN.clone(), shares.stream().map(byte[]::clone).toList())
                        .prove(MESSAGE));
        assertTrue(RingKey.derive(TOKEN, shares).verify(MESSAGE, proof));
    }

    @Test
    void anyDifferenceInTheSharesTheirOrderOrTheTokenGivesAnotherKey() {
        byte[] a = RingKey.newShare(RANDOM);
        byte[] b = RingKey.newShare(RANDOM);
        byte[] proof = RingKey.derive(TOKEN, List.of(a, b)).prove(MESSAGE);
        byte[] oneBitOff = a.clone();
        oneBitOff[7] ^= 1;
        assertFalse(RingKey.derive(TOKEN, List.of(oneBitOff, b)).verify(MESSAGE, proof));
        assertFalse(RingKey.derive(TOKEN, List.of(b, a)).verify(MESSAGE, proof));
        assertFalse(RingKey.derive(TOKEN, List.of(a, b, b)).verify(MESSAGE, proof));
        assertFalse(RingKey.derive("stage-3-attempt-1".getBytes(StandardCharsets.UTF_8), List.of(a, b))
                .verify(MESSAGE, proof));
        byte[] otherMessage = Arrays.copyOf(MESSAGE, MESSAGE.length + 1);
        assertFalse(RingKey.derive(TOKEN, List.of(a, b)).verify(otherMessage, proof));
    }

    @Test
    void freshSharesDiffer() {
        assertFalse(Arrays.equals(RingKey.newShare(RANDOM), RingKey.newShare(RANDOM)));
    }

    @Test
    void aShareOfAnotherLengthIsRefusedAndTheKeyIsNeverShown() {
        assertThrows(IllegalArgumentException.class, () -> RingKey.derive(TOKEN, List.of(new byte[16])));
        assertEquals(
                "RingKey[not shown]",
                RingKey.derive(TOKEN, List.of(RingKey.newShare(RANDOM))).toString());
    }
}
