package clearbg.jobs.allreduce;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Waits, on a thread of its own, for the previous rank to connect to this rank's listening socket and pass
 * the {@link RingHandshake}, while the calling thread connects to the next rank.
 *
 * <p>Anyone may connect: every accepted connection runs its own {@link AcceptorHandshake}, all of them
 * driven by one selector, so a stranger that connects first and then says nothing, trickles bytes or sends
 * a guessed greeting holds up nobody. A connection that fails the handshake is closed and the wait goes
 * on; the first one that authenticates as the previous rank ends it, and every other is closed. The whole
 * wait has one deadline, the set-up's.
 *
 * <p>A flood of connections cannot crowd out the real neighbour:
 * <ul>
 *   <li>each round of the selector first advances the connections that have bytes to read, then accepts at
 *       most {@value #ACCEPTS_PER_ROUND} new ones, so a hello that has arrived is read before more strangers
 *       are let in;</li>
 *   <li>at most {@value #MAX_PENDING} connections are in their handshake at once; to make room, the connection
 *       that has gone longest without sending a whole message, if that is at least {@value #GRACE_MILLIS} ms,
 *       is closed. A connection that has just been accepted or has just sent a message is never closed to
 *       make room, so the real neighbour, which sends each message within a round trip, is never crowded
 *       out;</li>
 *   <li>while no connection can be closed, no more are accepted: new ones wait in the kernel's backlog
 *       ({@value #BACKLOG}) and are accepted as room is made.</li>
 * </ul>
 */
final class RingAcceptor implements AutoCloseable {

    /** Most connections in their handshake at once. */
    static final int MAX_PENDING = 256;
    /** The listening socket's backlog: connections the kernel holds while none are accepted. */
    static final int BACKLOG = 1024;
    /** Most connections accepted in one round of the selector. */
    static final int ACCEPTS_PER_ROUND = 32;
    /** How long a connection may stay before it can be closed to make room for others. */
    static final long GRACE_MILLIS = 1000;

    private final ServerSocketChannel server;
    private final RingHandshake handshake;
    private final String previousPeer;
    private final long deadline;
    private final long timeoutMillis;
    private final FutureTask<SocketChannel> result;
    private final Thread thread;
    private final Deque<AcceptorHandshake> pending = new ArrayDeque<>();
    private volatile Selector selector;
    private volatile boolean stopped;
    private boolean handedOver;
    private int dropped;
    private String lastDrop;

    private RingAcceptor(
            ServerSocketChannel server,
            RingHandshake handshake,
            String previousPeer,
            long deadline,
            long timeoutMillis) {
        this.server = server;
        this.handshake = handshake;
        this.previousPeer = previousPeer;
        this.deadline = deadline;
        this.timeoutMillis = timeoutMillis;
        this.result = new FutureTask<>(this::acceptPrevious);
        this.thread = new Thread(
                result, "ring-allreduce-acceptor-rank-" + handshake.settings().rank());
        this.thread.setDaemon(true);
    }

    /**
     * Starts waiting.
     *
     * @param server the bound listening socket (not closed here)
     * @param previousPeer the previous rank for messages ("rank 0 at host:port")
     * @param deadline the {@link System#nanoTime()} by which the previous rank must have passed the handshake
     */
    static RingAcceptor start(ServerSocketChannel server, RingHandshake handshake, String previousPeer, long deadline) {
        RingAcceptor acceptor = new RingAcceptor(
                server,
                handshake,
                previousPeer,
                deadline,
                handshake.settings().timeout().toMillis());
        acceptor.thread.start();
        return acceptor;
    }

    /**
     * Waits for the authenticated connection from the previous rank; the caller owns it from then on
     * (non-blocking, registered with no selector).
     *
     * @throws IOException when the previous rank did not pass the handshake by the deadline (the message
     *     says how many connections failed it and why the last did), or on an interrupt
     */
    SocketChannel await() throws IOException {
        try {
            SocketChannel channel = result.get();
            handedOver = true;
            return channel;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + previousPeer);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private SocketChannel acceptPrevious() throws IOException {
        SocketChannel authenticated = null;
        try (Selector opened = Selector.open()) {
            selector = opened;
            server.configureBlocking(false);
            SelectionKey accepting = server.register(opened, SelectionKey.OP_ACCEPT);
            while (authenticated == null) {
                long now = System.nanoTime();
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - now);
                if (stopped) {
                    throw new IOException("stopped waiting for " + previousPeer);
                }
                if (leftMillis <= 0) {
                    throw new IOException(previousPeer + " did not connect and pass the handshake within "
                            + timeoutMillis + " ms" + dropSummary());
                }
                long roomInMillis = millisUntilRoom(now);
                accepting.interestOps(roomInMillis == 0 ? SelectionKey.OP_ACCEPT : 0);
                opened.select(Math.max(1, Math.min(leftMillis, roomInMillis == 0 ? leftMillis : roomInMillis)));
                authenticated = handleReady(opened);
            }
            return authenticated;
        } finally {
            for (AcceptorHandshake connection : pending) {
                if (connection.channel() != authenticated) {
                    closeQuietly(connection.channel());
                }
            }
            pending.clear();
        }
    }

    /**
     * 0 when a connection can be accepted now (there is room, or a connection that may be closed to make
     * room); else how long until the connection that has gone longest without progress has had its grace.
     */
    private long millisUntilRoom(long now) {
        if (pending.size() < MAX_PENDING) {
            return 0;
        }
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(now - stalest().progressNanos());
        return Math.max(0, GRACE_MILLIS - idleMillis);
    }

    /** The pending connection that has gone longest without progress. */
    private AcceptorHandshake stalest() {
        return pending.stream()
                .min(Comparator.comparingLong(AcceptorHandshake::progressNanos))
                .orElseThrow();
    }

    /**
     * Advances the connections with something to read or write, then accepts new ones; returns the
     * authenticated connection, if any.
     */
    private SocketChannel handleReady(Selector opened) throws IOException {
        boolean acceptable = false;
        for (SelectionKey key : opened.selectedKeys()) {
            if (!key.isValid()) {
                continue;
            }
            if (key.isAcceptable()) {
                acceptable = true;
                continue;
            }
            AcceptorHandshake connection = (AcceptorHandshake) key.attachment();
            switch (connection.advance()) {
                case PENDING -> key.interestOps(connection.interestOps());
                case DROPPED -> drop(connection, connection.dropReason());
                case AUTHENTICATED -> {
                    key.cancel();
                    opened.selectedKeys().clear();
                    return connection.channel();
                }
                default -> throw new IllegalStateException("unknown handshake state");
            }
        }
        opened.selectedKeys().clear();
        if (acceptable) {
            acceptSome(opened);
        }
        return null;
    }

    /** Accepts up to {@value #ACCEPTS_PER_ROUND} connections while there is room or room can be made. */
    private void acceptSome(Selector opened) throws IOException {
        for (int accepted = 0; accepted < ACCEPTS_PER_ROUND && makeRoom(); accepted++) {
            SocketChannel channel = server.accept();
            if (channel == null) {
                return;
            }
            try {
                channel.configureBlocking(false);
                AcceptorHandshake connection = new AcceptorHandshake(handshake, channel);
                channel.register(opened, connection.interestOps(), connection);
                pending.addLast(connection);
            } catch (IOException e) {
                closeQuietly(channel);
            }
        }
    }

    /**
     * Whether a connection can be added: there is room, or the connection that has gone longest without
     * progress, past its grace, was closed to make it.
     */
    private boolean makeRoom() {
        if (millisUntilRoom(System.nanoTime()) > 0) {
            return false;
        }
        if (pending.size() >= MAX_PENDING) {
            drop(
                    stalest(),
                    "was closed to make room: " + MAX_PENDING + " connections were in their handshake and it had"
                            + " sent nothing for " + GRACE_MILLIS + " ms or more");
        }
        return true;
    }

    private void drop(AcceptorHandshake connection, String reason) {
        pending.remove(connection);
        dropped++;
        lastDrop = describe(connection.channel()) + " " + reason;
        closeQuietly(connection.channel());
    }

    private String dropSummary() {
        String summary = pending.isEmpty() ? "" : "; " + pending.size() + " connection(s) still in their handshake";
        return dropped == 0
                ? summary
                : summary + "; " + dropped + " connection(s) failed the handshake, the last: " + lastDrop;
    }

    private static String describe(SocketChannel channel) {
        try {
            InetSocketAddress source = (InetSocketAddress) channel.getRemoteAddress();
            return source == null
                    ? "a connection"
                    : "the connection from " + new RingAddress(source.getHostString(), source.getPort());
        } catch (IOException e) {
            return "a connection";
        }
    }

    /**
     * Stops waiting (if still waiting), waits for the thread to end, and closes a connection that was
     * accepted but not taken by {@link #await()}; idempotent.
     */
    @Override
    public void close() {
        stopped = true;
        Selector current = selector;
        if (current != null) {
            current.wakeup();
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!handedOver && result.isDone()) {
            try {
                closeQuietly(result.get());
            } catch (InterruptedException | ExecutionException ignored) {
                // nothing was accepted: nothing to close
            }
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // dropping a connection: nothing to report
        }
    }
}
