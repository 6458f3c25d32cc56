package clearbg.jobs.allreduce;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
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
 * on; the first one that authenticates as the previous rank ends it, and every other is closed. At most
 * {@value #MAX_PENDING} connections are in their handshake at once; one more closes the oldest (a real
 * neighbour finishes within a few round trips, so the oldest is the likeliest stranger). The whole wait has
 * one deadline, the set-up's.
 */
final class RingAcceptor implements AutoCloseable {

    /** Most connections in their handshake at once. */
    static final int MAX_PENDING = 16;

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
            server.register(opened, SelectionKey.OP_ACCEPT);
            while (authenticated == null) {
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (stopped) {
                    throw new IOException("stopped waiting for " + previousPeer);
                }
                if (leftMillis <= 0) {
                    throw new IOException(previousPeer + " did not connect and pass the handshake within "
                            + timeoutMillis + " ms" + dropSummary());
                }
                opened.select(leftMillis);
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

    /** Accepts new connections and advances the ready ones; returns the authenticated one, if any. */
    private SocketChannel handleReady(Selector opened) throws IOException {
        for (SelectionKey key : opened.selectedKeys()) {
            if (!key.isValid()) {
                continue;
            }
            if (key.isAcceptable()) {
                acceptAll(opened);
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
        return null;
    }

    private void acceptAll(Selector opened) throws IOException {
        for (SocketChannel channel = server.accept(); channel != null; channel = server.accept()) {
            if (pending.size() >= MAX_PENDING) {
                drop(
                        pending.peekFirst(),
                        "was closed to make room: " + MAX_PENDING + " connections were in their handshake");
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
