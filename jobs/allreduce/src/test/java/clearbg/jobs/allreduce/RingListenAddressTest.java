package clearbg.jobs.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a rank listens: on the advertised host's address only, with a clear error when it cannot. */
class RingListenAddressTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1", "localhost"})
    void listensOnTheGivenHostsAddressOnlyNeverTheWildcard(String host) throws Exception {
        try (RingEndpoint endpoint = RingAllReduce.listen(settings(0, 2), host, LocalRing.TOKEN)) {
            InetSocketAddress listening = endpoint.listeningAddress();
            assertFalse(listening.getAddress().isAnyLocalAddress(), listening.toString());
            assertEquals(InetAddress.getByName(host), listening.getAddress());
            assertEquals(InetAddress.getByName(host).getHostAddress() + ":" + listening.getPort(), endpoint.address());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0.0.0.0", "::"})
    void theWildcardAddressIsRefused(String host) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> RingAllReduce.listen(settings(0, 2), host, LocalRing.TOKEN));
        assertTrue(e.getMessage().contains("is the wildcard address"), e.getMessage());
    }

    @Test
    void aHostThatDoesNotResolveFailsWithAClearMessage() {
        IOException e = assertThrows(
                IOException.class, () -> RingAllReduce.listen(settings(0, 2), "no-such-host.invalid", LocalRing.TOKEN));
        assertTrue(
                e.getMessage().startsWith("cannot resolve the advertised host 'no-such-host.invalid'"), e.getMessage());
    }

    @Test
    void anAddressOfAnotherMachineFailsWithAClearMessage() {
        // 203.0.113.0/24 is reserved for documentation (RFC 5737): never an address of this machine
        IOException e = assertThrows(
                IOException.class, () -> RingAllReduce.listen(settings(0, 2), "203.0.113.7", LocalRing.TOKEN));
        assertTrue(e.getMessage().startsWith("cannot listen on 203.0.113.7"), e.getMessage());
    }

    private static RingSettings settings(int rank, int worldSize) {
        return new RingSettings(rank, worldSize, RingSettings.MIN_CHUNK_BYTES, Duration.ofSeconds(20));
    }
}
