package clearbg.jobs.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.jobs.allreduce.RankThreads.Outcome;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Who may join a ring: strangers on the listening port (silent, garbage, a guessed greeting, a flood) and
 * ranks with another key. Strangers here speak the wire format of
 * {@link RingHandshake} byte by byte, as an attacker who read the source would.
 */
class RingAuthenticationTest {

    private static final Duration SET_UP = Duration.ofSeconds(20);
    private static final int CHUNK = 4096;
    private static final int LENGTH = 10_007;
    private static final int STRANGER_READ_TIMEOUT_MILLIS = 30_000;
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Connections of the flood test, over both ranks. */
    private static final int FLOOD = 1000;

    @Test
    void strangersThatConnectFirstAndStallNeitherFailTheRingNorChangeTheSum() throws Exception {
        int worldSize = 3;
        List<RingEndpoint> endpoints = listen(worldSize);
        List<SocketChannel> strangers = new ArrayList<>();
        try {
            for (RingEndpoint endpoint : endpoints) {
                strangers.add(connectTo(endpoint)); // silent
                SocketChannel halfHello = connectTo(endpoint); // the right magic and version, then nothing
                write(
                        halfHello,
                        ByteBuffer.allocate(8)
                                .putInt(RingHandshake.MAGIC)
                                .putInt(RingHandshake.VERSION)
                                .flip());
                strangers.add(halfHello);
            }
            assertRingSums(endpoints);
            for (SocketChannel stranger : strangers) {
                assertClosedByTheRing(stranger);
            }
        } finally {
            closeAll(strangers);
        }
    }

    @Test
    void strangersThatSendGarbageOrAnOverlongTokenAreDroppedAndTheRingForms() throws Exception {
        List<RingEndpoint> endpoints = listen(2);
        List<String> introductions = LocalRing.introductions(endpoints);
        try (SocketChannel http = connectTo(endpoints.get(1));
                SocketChannel overlong = connectTo(endpoints.get(1))) {
            write(http, ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            List<Outcome<RingAllReduce>> outcomes = RankThreads.run(2, rank -> {
                if (rank == 1) {
                    return endpoints.get(1).connect(introductions);
                }
                // the real rank 0 joins once rank 1 has refused the overlong token without reading it
                write(
                        overlong,
                        ByteBuffer.allocate(RingHandshake.HELLO_HEAD_BYTES)
                                .putInt(RingHandshake.MAGIC)
                                .putInt(RingHandshake.VERSION)
                                .putInt(0)
                                .putInt(2)
                                .putShort((short) 0xFFFF)
                                .flip());
                DataInputStream in = input(overlong);
                assertEquals(RingHandshake.MAGIC, in.readInt());
                assertEquals(1, in.readInt());
                assertEquals("job token of 65535 bytes, over the limit of 1024", readReason(in));
                assertEquals(-1, in.read(), "and closed");
                return endpoints.get(0).connect(introductions);
            });
            try (LocalRing ring = LocalRing.of(
                    List.of(outcomes.get(0).valueOrThrow(), outcomes.get(1).valueOrThrow()))) {
                assertSums(ring);
            }
            assertClosedByTheRing(http);
        }
    }

    @Test
    void strangersWithAGuessedGreetingButNoKeyNeitherFailTheRingNorChangeTheSum() throws Exception {
        List<RingEndpoint> endpoints = listen(2);
        List<String> introductions = LocalRing.introductions(endpoints);
        // both pose as rank 0 with everything right that is not secret; the real rank 0 joins once rank 1
        // has challenged both, one has answered with a guessed proof and the other has gone silent
        try (SocketChannel greetsThenStalls = connectTo(endpoints.get(1));
                SocketChannel guessesTheProof = connectTo(endpoints.get(1))) {
            List<Outcome<RingAllReduce>> outcomes = RankThreads.run(2, rank -> {
                if (rank == 1) {
                    return endpoints.get(1).connect(introductions);
                }
                write(greetsThenStalls, guessedHello(0, 2, LocalRing.TOKEN));
                readChallenge(input(greetsThenStalls));
                write(guessesTheProof, guessedHello(0, 2, LocalRing.TOKEN));
                DataInputStream in = input(guessesTheProof);
                readChallenge(in);
                write(guessesTheProof, ByteBuffer.wrap(randomBytes(RingHandshake.PROOF_BYTES)));
                assertEquals("its proof of the ring's key is wrong (not a rank of this stage attempt)", readReason(in));
                assertEquals(-1, in.read(), "and closed");
                return endpoints.get(0).connect(introductions);
            });
            try (LocalRing ring = LocalRing.of(
                    List.of(outcomes.get(0).valueOrThrow(), outcomes.get(1).valueOrThrow()))) {
                assertSums(ring);
            }
            assertClosedByTheRing(greetsThenStalls);
        }
    }

    @Test
    void aFloodOfSilentStrangersDoesNotCrowdOutTheRealNeighbour() throws Exception {
        List<RingEndpoint> endpoints = listen(2);
        List<SocketChannel> strangers = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * RingAcceptor.MAX_PENDING + 5; i++) {
                strangers.add(connectTo(endpoints.get(1)));
            }
            assertRingSums(endpoints);
            for (SocketChannel stranger : strangers) {
                assertClosedByTheRing(stranger);
            }
        } finally {
            closeAll(strangers);
        }
    }

    @Test
    void aThousandConnectionsDuringTheSetUpDoNotFailIt() throws Exception {
        List<RingEndpoint> endpoints = listen(2);
        List<SocketChannel> strangers = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch flooding = new CountDownLatch(RingAcceptor.MAX_PENDING);
        ExecutorService flood = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> floods = new ArrayList<>();
            for (int target = 0; target < 2; target++) {
                RingEndpoint endpoint = endpoints.get(target);
                floods.add(flood.submit(() -> floodWith(endpoint, FLOOD / 2, strangers, flooding)));
            }
            assertTrue(flooding.await(60, TimeUnit.SECONDS), "the flood started");
            assertRingSums(endpoints); // each rank's first set-up, while the flood goes on
            int opened = 0;
            for (Future<Integer> each : floods) {
                opened += each.get(120, TimeUnit.SECONDS);
            }
            assertTrue(opened >= RingAcceptor.MAX_PENDING, "the flood opened " + opened + " connections");
        } finally {
            flood.shutdownNow();
            closeAll(new ArrayList<>(strangers));
        }
    }

    /**
     * Opens up to {@code count} connections to {@code endpoint}, one in three sending garbage, the rest
     * silent, until the endpoint stops listening; returns how many it opened.
     */
    private static int floodWith(
            RingEndpoint endpoint, int count, List<SocketChannel> strangers, CountDownLatch flooding) {
        for (int i = 0; i < count; i++) {
            try {
                SocketChannel stranger = connectTo(endpoint);
                strangers.add(stranger);
                if (i % 3 == 0) {
                    write(stranger, ByteBuffer.wrap(randomBytes(64)));
                }
                flooding.countDown();
            } catch (IOException e) {
                return i; // the ring formed and stopped listening (or closed this stranger)
            }
        }
        return count;
    }

    @Test
    void aPeerWithTheWrongKeyIsRefusedAndTheRealOneStillJoins() throws Exception {
        List<RingEndpoint> endpoints = listen(2);
        List<String> introductions = LocalRing.introductions(endpoints);
        RingKey wrongKey = RingKey.derive(
                LocalRing.TOKEN.getBytes(StandardCharsets.UTF_8),
                List.of(RingKey.newShare(RANDOM), RingKey.newShare(RANDOM)));
        RingHandshake impostor =
                new RingHandshake(settings(0, 2), LocalRing.TOKEN.getBytes(StandardCharsets.UTF_8), wrongKey, RANDOM);
        List<Outcome<RingAllReduce>> outcomes = RankThreads.run(2, rank -> {
            if (rank == 1) {
                return endpoints.get(1).connect(introductions);
            }
            // rank 0 joins only once the impostor posing as rank 0 was refused
            try (SocketChannel channel = connectTo(endpoints.get(1))) {
                IOException refused = assertThrows(
                        IOException.class, () -> new ConnectorHandshake(impostor, channel, "rank 1", deadline()).run());
                assertEquals(
                        "rank 1 refused the connection from rank 0: its proof of the ring's key is wrong"
                                + " (not a rank of this stage attempt)",
                        refused.getMessage());
            }
            return endpoints.get(0).connect(introductions);
        });
        try (LocalRing ring = LocalRing.of(
                List.of(outcomes.get(0).valueOrThrow(), outcomes.get(1).valueOrThrow()))) {
            assertSums(ring);
        }
    }

    @Test
    void ranksWithDifferentSharesCannotFormARing() throws Exception {
        List<RingEndpoint> endpoints = listen(2);
        List<String> introductions = LocalRing.introductions(endpoints);
        String otherShare =
                endpoints.get(1).address() + " " + Base64.getEncoder().encodeToString(RingKey.newShare(RANDOM));
        List<Outcome<RingAllReduce>> outcomes = RankThreads.run(
                2,
                rank -> endpoints
                        .get(rank)
                        .connect(rank == 0 ? List.of(introductions.get(0), otherShare) : introductions));
        String messages = "";
        for (Outcome<RingAllReduce> outcome : outcomes) {
            assertInstanceOf(IOException.class, outcome.failure());
            messages += outcome.failure().getMessage() + "\n";
        }
        // the first rank to fail can only have failed on the refusal; the other may see it close first
        assertTrue(
                messages.contains("refused the connection from rank 0: its proof of the ring's key is wrong")
                        || messages.contains(
                                "refused the connection from rank 1: its proof of the ring's key is wrong"),
                messages);
        for (String introduction : List.of(introductions.get(0), introductions.get(1), otherShare)) {
            assertFalse(
                    messages.contains(introduction.substring(introduction.lastIndexOf(' ') + 1)),
                    "no share in any message");
        }
    }

    @Test
    void aNextRankThatCannotProveTheKeyIsRefusedByTheConnectingRank() throws Exception {
        try (ServerSocketChannel fakeNext = ServerSocketChannel.open()) {
            fakeNext.bind(new InetSocketAddress("127.0.0.1", 0));
            RingEndpoint endpoint = RingAllReduce.listen(settings(0, 2), "127.0.0.1", LocalRing.TOKEN);
            String fake = "127.0.0.1:" + ((InetSocketAddress) fakeNext.getLocalAddress()).getPort() + " "
                    + Base64.getEncoder().encodeToString(RingKey.newShare(RANDOM));
            List<Outcome<RingAllReduce>> outcomes = RankThreads.run(2, rank -> {
                if (rank == 0) {
                    return endpoint.connect(List.of(endpoint.introduction(), fake));
                }
                try (SocketChannel fromRank0 = fakeNext.accept()) { // accepts any proof, answers with a guessed one
                    DataInputStream in = input(fromRank0);
                    in.readFully(new byte[RingHandshake.HELLO_HEAD_BYTES - Short.BYTES]);
                    in.readFully(new byte[in.readUnsignedShort() + RingHandshake.NONCE_BYTES]);
                    write(
                            fromRank0,
                            ByteBuffer.allocate(10 + RingHandshake.NONCE_BYTES)
                                    .putInt(RingHandshake.MAGIC)
                                    .putInt(1)
                                    .putShort((short) 0)
                                    .put(randomBytes(RingHandshake.NONCE_BYTES))
                                    .flip());
                    in.readFully(new byte[RingHandshake.PROOF_BYTES]);
                    write(
                            fromRank0,
                            ByteBuffer.allocate(2 + RingHandshake.PROOF_BYTES)
                                    .putShort((short) 0)
                                    .put(randomBytes(RingHandshake.PROOF_BYTES))
                                    .flip());
                    in.read(); // until rank 0 closes
                }
                return null;
            });
            Throwable failure = outcomes.get(0).failure();
            assertInstanceOf(IOException.class, failure);
            assertTrue(
                    failure.getMessage().startsWith("rank 0 of 2: could not join the ring: rank 1 at 127.0.0.1:"),
                    failure.getMessage());
            assertTrue(
                    failure.getMessage()
                            .endsWith("did not prove it holds this ring's key (not a rank of this stage attempt)"),
                    failure.getMessage());
            outcomes.get(1).valueOrThrow();
        }
    }

    private static RingSettings settings(int rank, int worldSize) {
        return new RingSettings(rank, worldSize, CHUNK, SET_UP);
    }

    private static long deadline() {
        return System.nanoTime() + SET_UP.toNanos();
    }

    private static List<RingEndpoint> listen(int worldSize) throws IOException {
        List<RingSettings> settings = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            settings.add(settings(rank, worldSize));
        }
        return LocalRing.listen(settings, List.of());
    }

    /** Forms the ring of the endpoints and checks one sum on it. */
    private static void assertRingSums(List<RingEndpoint> endpoints) throws Exception {
        try (LocalRing ring = LocalRing.connect(endpoints)) {
            assertSums(ring);
        }
    }

    /** Rank r contributes (i mod 1000) * (r + 1): small integers, so the float sum is exact in any order. */
    private static void assertSums(LocalRing ring) throws Exception {
        int n = ring.worldSize();
        List<float[]> results = RankThreads.runAll(n, rank -> {
            float[] data = new float[LENGTH];
            for (int i = 0; i < LENGTH; i++) {
                data[i] = (i % 1000) * (rank + 1);
            }
            ring.rank(rank).sumInPlace(data);
            return data;
        });
        for (int rank = 0; rank < n; rank++) {
            for (int i = 0; i < LENGTH; i++) {
                if (results.get(rank)[i] != (i % 1000) * n * (n + 1) / 2f) {
                    throw new AssertionError("rank " + rank + ", element " + i + ": " + results.get(rank)[i]);
                }
            }
        }
    }

    private static SocketChannel connectTo(RingEndpoint endpoint) throws IOException {
        SocketChannel channel =
                SocketChannel.open(RingAddress.parse(endpoint.address()).socketAddress());
        channel.socket().setSoTimeout(STRANGER_READ_TIMEOUT_MILLIS);
        return channel;
    }

    private static DataInputStream input(SocketChannel channel) throws IOException {
        return new DataInputStream(channel.socket().getInputStream());
    }

    /** Reads rank 1's challenge of a greeting that passed the plain checks. */
    private static void readChallenge(DataInputStream in) throws IOException {
        assertEquals(RingHandshake.MAGIC, in.readInt());
        assertEquals(1, in.readInt());
        assertEquals("", readReason(in), "the greeting passes the plain checks");
        in.readFully(new byte[RingHandshake.NONCE_BYTES]);
    }

    private static String readReason(DataInputStream in) throws IOException {
        byte[] reason = new byte[in.readUnsignedShort()];
        in.readFully(reason);
        return new String(reason, StandardCharsets.UTF_8);
    }

    /** A hello with every field right but the nonce (which anyone may choose): all a stranger can send. */
    private static ByteBuffer guessedHello(int rank, int worldSize, String token) {
        byte[] tokenBytes = token.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(RingHandshake.HELLO_HEAD_BYTES + tokenBytes.length + RingHandshake.NONCE_BYTES)
                .putInt(RingHandshake.MAGIC)
                .putInt(RingHandshake.VERSION)
                .putInt(rank)
                .putInt(worldSize)
                .putShort((short) tokenBytes.length)
                .put(tokenBytes)
                .put(randomBytes(RingHandshake.NONCE_BYTES))
                .flip();
    }

    /** The stranger's connection ends, after at most a challenge: the ring closed it. */
    private static void assertClosedByTheRing(SocketChannel stranger) throws IOException {
        byte[] answer = new byte[RingHandshake.MAX_REASON_BYTES + 64];
        int total = 0;
        try {
            for (int read = 0;
                    read >= 0;
                    read = stranger.socket().getInputStream().read(answer, total, answer.length - total)) {
                total += read;
                assertTrue(total < answer.length, "the ring sent a stranger more than a challenge");
            }
        } catch (SocketException reset) {
            // closed while the stranger's own bytes were still unread there: a reset, also a close
        }
    }

    private static void write(SocketChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void closeAll(List<SocketChannel> channels) throws IOException {
        for (SocketChannel channel : channels) {
            channel.close();
        }
    }
}
