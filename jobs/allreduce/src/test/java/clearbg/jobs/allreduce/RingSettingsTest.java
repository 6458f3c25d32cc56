package clearbg.jobs.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingSettingsTest {

    @Test
    void defaultsAndNeighbours() {
        RingSettings settings = RingSettings.of(0, 3);
        assertEquals(1 << 20, settings.chunkBytes());
        assertEquals(Duration.ofSeconds(120), settings.timeout());
        assertEquals(1, settings.next());
        assertEquals(2, settings.previous());
        assertEquals(0, RingSettings.of(0, 1).next());
        assertEquals(0, RingSettings.of(0, 1).previous());
        assertEquals(8192, settings.withChunkBytes(8192).chunkBytes());
        assertEquals(
                Duration.ofSeconds(2),
                settings.withTimeout(Duration.ofSeconds(2)).timeout());
    }

    @Test
    void refusesImpossibleValues() {
        Duration second = Duration.ofSeconds(1);
        assertThrows(IllegalArgumentException.class, () -> new RingSettings(0, 0, 4096, second));
        assertThrows(IllegalArgumentException.class, () -> new RingSettings(2, 2, 4096, second));
        assertThrows(IllegalArgumentException.class, () -> new RingSettings(-1, 2, 4096, second));
        assertThrows(IllegalArgumentException.class, () -> new RingSettings(0, 2, 4092, second));
        assertThrows(IllegalArgumentException.class, () -> new RingSettings(0, 2, 4098, second));
        assertThrows(IllegalArgumentException.class, () -> new RingSettings(0, 2, 4096, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new RingSettings(0, 2, 4096, Duration.ofNanos(10)));
        assertThrows(IllegalArgumentException.class, () -> new RingSettings(0, 2, 4096, Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> new RingSettings(0, 2, 4096, null));
    }

    @Test
    void segmentsAreContiguousAndCoverTheArray() {
        for (int length : new int[] {0, 1, 2, 3, 7, 1_000_003}) {
            for (int count = 1; count <= 5; count++) {
                RingSegments segments = new RingSegments(length, count);
                int next = 0;
                for (int k = 0; k < count; k++) {
                    assertEquals(next, segments.offset(k), length + "/" + count + " segment " + k);
                    int size = segments.size(k);
                    assertEquals(length / count + (k < length % count ? 1 : 0), size);
                    next += size;
                }
                assertEquals(length, next);
            }
        }
    }

    @Test
    void addressesRoundTripIncludingIpv6() {
        for (String text : List.of("127.0.0.1:4711", "worker-3.cluster:65535", "[::1]:80", "[fe80::1%eth0]:9")) {
            assertEquals(text, RingAddress.parse(text).toString());
        }
        assertEquals("::1", RingAddress.parse("[::1]:80").host());
        for (String bad : List.of("", "host", "host:", ":80", "host:port", "host:70000")) {
            assertThrows(IllegalArgumentException.class, () -> RingAddress.parse(bad), bad);
        }
    }
}
