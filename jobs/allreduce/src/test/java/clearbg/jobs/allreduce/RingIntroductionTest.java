package clearbg.jobs.allreduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingIntroductionTest {

    private static final byte[] SHARE = RingKey.newShare(new SecureRandom());
    private static final String SHARE_TEXT = Base64.getEncoder().encodeToString(SHARE);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1:4711", "[::1]:4711", "executor-7.cluster:80"})
    void theTextReadsBackAsTheSameAddressAndShare(String address) {
        RingIntroduction introduction = new RingIntroduction(RingAddress.parse(address), SHARE);
        RingIntroduction read = RingIntroduction.parse(introduction.encode(), "rank 0's");
        assertEquals(address, read.address().toString());
        assertArrayEquals(SHARE, read.share());
        assertEquals(address + " " + SHARE_TEXT, introduction.encode());
    }

    @Test
    void itsTextShowsTheAddressButNotTheShare() {
        RingIntroduction introduction = new RingIntroduction(RingAddress.parse("10.0.0.5:4711"), SHARE);
        assertEquals("10.0.0.5:4711", introduction.toString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {"10.0.0.5:4711", "10.0.0.5:4711 !!!", "10.0.0.5:4711 AAAA", "10.0.0.5 SHARE", "10.0.0.5:x SHARE"
            })
    void malformedTextIsRefusedWithoutQuotingTheShare(String template) {
        String text = template.replace("SHARE", SHARE_TEXT);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> RingIntroduction.parse(text, "the introduction of rank 3"));
        assertTrue(e.getMessage().startsWith("the introduction of rank 3"), e.getMessage());
        assertFalse(e.getMessage().contains(SHARE_TEXT), e.getMessage());
    }
}
