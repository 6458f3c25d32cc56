package clearbg.jobs.allreduce;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The first phase of joining a ring: a listening socket on an ephemeral port of this rank's own address
 * (never the wildcard address), and this rank's {@link #introduction()}, which the caller shares with all
 * ranks (in Spark with {@code BarrierTaskContext.allGather}); then {@link #connect(List)} builds the ring,
 * authenticating both neighbours with the key derived from every rank's introduction ({@code RingKey},
 * {@code RingHandshake}). Single use: after {@code connect}, successful or not, the listening socket is
 * closed. With a world size of 1 nothing is opened.
 */
public final class RingEndpoint implements AutoCloseable {

    /**
     * The socket send and receive buffer size every ring connection requests: 1 MiB (Linux doubles it, and
     * caps it at net.core.wmem_max / rmem_max). Enough for a data-centre link's bandwidth-delay product; on
     * loopback larger buffers were slower (bench/allreduce_bench.sh). Public so that a raw-bandwidth
     * benchmark can use the same.
     */
    public static final int SOCKET_BUFFER_BYTES = 1 << 20;

    private static final long RETRY_PAUSE_MILLIS = 50;

    private final RingSettings settings;
    private final byte[] jobToken;
    private final SecureRandom random;
    private final RingIntroduction introduction;
    private final ServerSocketChannel server;

    private RingEndpoint(
            RingSettings settings,
            byte[] jobToken,
            SecureRandom random,
            RingAddress address,
            ServerSocketChannel server) {
        this.settings = settings;
        this.jobToken = jobToken;
        this.random = random;
        this.introduction = new RingIntroduction(address, RingKey.newShare(random));
        this.server = server;
    }

    /** Opens the listening socket; see {@link RingAllReduce#listen(RingSettings, String, String)}. */
    static RingEndpoint open(RingSettings settings, String advertisedHost, String jobToken) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(jobToken, "jobToken");
        byte[] token = jobToken.getBytes(StandardCharsets.UTF_8);
        if (token.length > RingHandshake.MAX_TOKEN_BYTES) {
            throw new IllegalArgumentException("job token longer than " + RingHandshake.MAX_TOKEN_BYTES + " bytes");
        }
        SecureRandom random = new SecureRandom();
        if (settings.worldSize() == 1) {
            return new RingEndpoint(settings, token, random, new RingAddress(advertisedHost, 0), null);
        }
        InetAddress host = ownAddress(advertisedHost);
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            // Set before bind so that accepted sockets start with large windows.
            server.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            try {
                server.bind(new InetSocketAddress(host, 0), RingAcceptor.BACKLOG);
            } catch (IOException e) {
                throw new IOException(
                        "cannot listen on " + host.getHostAddress() + " (the advertised host '" + advertisedHost
                                + "'; is it this machine's address?): " + Failures.describe(e),
                        e);
            }
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            return new RingEndpoint(settings, token, random, new RingAddress(host.getHostAddress(), port), server);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The address to listen on: the advertised host resolved, refused when it is the wildcard address. */
    private static InetAddress ownAddress(String advertisedHost) throws IOException {
        InetAddress host;
        try {
            host = InetAddress.getByName(advertisedHost);
        } catch (UnknownHostException e) {
            throw new IOException(
                    "cannot resolve the advertised host '" + advertisedHost + "': " + Failures.describe(e), e);
        }
        if (host.isAnyLocalAddress()) {
            throw new IllegalArgumentException("the advertised host '" + advertisedHost
                    + "' is the wildcard address; give the address other ranks reach this one at");
        }
        return host;
    }

    /**
     * This rank's {@code host:port}, for messages: the numeric address it listens on (the advertised host
     * resolved), so every rank connects to exactly that address whatever its own resolver would answer.
     * With a world size of 1, the advertised host and port 0.
     */
    public String address() {
        return introduction.address().toString();
    }

    /**
     * The message to share with every rank: {@link #address()} and this rank's random share of the ring's
     * key. It holds a secret: share it only through a channel the ranks trust (Spark's barrier
     * {@code allGather}), never print or log it.
     */
    public String introduction() {
        return introduction.encode();
    }

    /** This endpoint's settings. */
    public RingSettings settings() {
        return settings;
    }

    /** The listening socket's local address, or null with a world size of 1. */
    InetSocketAddress listeningAddress() throws IOException {
        return server == null ? null : (InetSocketAddress) server.getLocalAddress();
    }

    /**
     * Connects to the next rank and accepts the previous one, authenticating both (see
     * {@code RingHandshake}), all within the settings' time-out. Connection attempts are retried until
     * then; connections to this rank that fail the handshake are dropped while it keeps waiting for the
     * previous rank.
     *
     * @param introductionsByRank every rank's {@link #introduction()}, indexed by rank
     * @throws IOException when the ring cannot be formed in time or the next rank refuses or fails the
     *     handshake; the message names this rank and the peer
     */
    public RingAllReduce connect(List<String> introductionsByRank) throws IOException {
        try {
            List<RingIntroduction> introductions = checkIntroductions(introductionsByRank);
            if (settings.worldSize() == 1) {
                return new RingAllReduce(settings);
            }
            long deadline = System.nanoTime() + settings.timeout().toNanos();
            RingKey key = RingKey.derive(
                    jobToken,
                    introductions.stream().map(RingIntroduction::share).toList());
            RingHandshake handshake = new RingHandshake(settings, jobToken, key, random);
            RingAddress nextAddress = introductions.get(settings.next()).address();
            String nextPeer = "rank " + settings.next() + " at " + nextAddress;
            String previousPeer = "rank " + settings.previous() + " at "
                    + introductions.get(settings.previous()).address();
            SocketChannel toNext = null;
            SocketChannel fromPrevious = null;
            RingSender sender = null;
            try (RingAcceptor acceptor = RingAcceptor.start(server, handshake, previousPeer, deadline)) {
                toNext = connectWithRetry(nextAddress, nextPeer, deadline);
                new ConnectorHandshake(handshake, toNext, nextPeer, deadline).run();
                fromPrevious = acceptor.await();
                configure(fromPrevious);
                sender = new RingSender(toNext, nextPeer, settings);
                return new RingAllReduce(settings, sender, new RingReceiver(fromPrevious, previousPeer, settings));
            } catch (IOException | RuntimeException e) {
                closeQuietly(toNext);
                closeQuietly(fromPrevious);
                if (sender != null) {
                    sender.close();
                }
                throw new IOException(where() + "could not join the ring: " + Failures.describe(e), e);
            }
        } finally {
            close();
        }
    }

    /** Reads every introduction and checks that this rank's is at its rank; messages never show a share. */
    private List<RingIntroduction> checkIntroductions(List<String> introductionsByRank) {
        Objects.requireNonNull(introductionsByRank, "introductionsByRank");
        if (introductionsByRank.size() != settings.worldSize()) {
            throw new IllegalArgumentException(
                    where() + introductionsByRank.size() + " introductions for a ring of " + settings.worldSize());
        }
        List<RingIntroduction> introductions = new ArrayList<>();
        for (int rank = 0; rank < introductionsByRank.size(); rank++) {
            introductions.add(RingIntroduction.parse(
                    introductionsByRank.get(rank), where() + "the introduction of rank " + rank));
        }
        if (!introduction().equals(introductionsByRank.get(settings.rank()))) {
            throw new IllegalArgumentException(where() + "introduction " + settings.rank() + " is that of "
                    + introductions.get(settings.rank()) + ", but this rank listens at " + address()
                    + " (addresses must be indexed by rank)");
        }
        return introductions;
    }

    private SocketChannel connectWithRetry(RingAddress target, String peer, long deadline) throws IOException {
        while (true) {
            SocketChannel channel = SocketChannel.open();
            try {
                configure(channel);
                channel.socket().connect(target.socketAddress(), millisLeft(deadline));
                return channel;
            } catch (ConnectException | NoRouteToHostException | SocketTimeoutException e) {
                channel.close();
                if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MILLIS) >= deadline) {
                    throw new IOException(
                            "could not connect to " + peer + " within "
                                    + settings.timeout().toMillis() + " ms: " + e.getMessage(),
                            e);
                }
                pause();
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
    }

    private static void configure(SocketChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    }

    private int millisLeft(long deadline) throws SocketTimeoutException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new SocketTimeoutException(
                    "ring set-up time-out of " + settings.timeout().toMillis() + " ms passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(RETRY_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting");
        }
    }

    private String where() {
        return "rank " + settings.rank() + " of " + settings.worldSize() + ": ";
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing: the caller reports the original error
            }
        }
    }

    /** Closes the listening socket; idempotent. */
    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
