package clearbg.bench;

import clearbg.jobs.allreduce.RingEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The raw TCP bandwidth between two processes: plain blocking writes of one reused direct buffer and reads
 * into another, over one connection with the ring's socket options, no conversion and no arithmetic. This
 * is the ceiling the all-reduce's bus bandwidth is compared with.
 *
 * <p>Rank 1 listens, rank 0 connects. Each measurement starts after a one-byte barrier; rank 0's time is
 * the one reported.
 */
final class LoopbackBandwidth implements AutoCloseable {

    private static final int BUFFER_BYTES = 4 << 20;

    private final int rank;
    private final SocketChannel channel;
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final ByteBuffer receiveBuffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final ByteBuffer signal = ByteBuffer.allocate(1);
    private final ExecutorService sender = Executors.newSingleThreadExecutor();

    private LoopbackBandwidth(int rank, SocketChannel channel) {
        this.rank = rank;
        this.channel = channel;
    }

    /** Connects rank 0 and rank 1 of a two-process run. */
    static LoopbackBandwidth connect(int rank, FileRendezvous rendezvous, String name)
            throws IOException, InterruptedException {
        if (rank == 1) {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                server.setOption(StandardSocketOptions.SO_RCVBUF, RingEndpoint.SOCKET_BUFFER_BYTES);
                server.bind(new InetSocketAddress("127.0.0.1", 0));
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                rendezvous.allGather(name, Integer.toString(port));
                return new LoopbackBandwidth(rank, configure(server.accept()));
            }
        }
        List<String> ports = rendezvous.allGather(name, "");
        SocketChannel channel = SocketChannel.open();
        configure(channel);
        channel.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(ports.get(1))));
        return new LoopbackBandwidth(rank, channel);
    }

    private static SocketChannel configure(SocketChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, RingEndpoint.SOCKET_BUFFER_BYTES);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, RingEndpoint.SOCKET_BUFFER_BYTES);
        return channel;
    }

    /** Rank 0 sends {@code bytes} to rank 1, which acknowledges the last one; seconds until the ack. */
    double oneWaySeconds(long bytes) throws IOException {
        barrier();
        long start = System.nanoTime();
        if (rank == 0) {
            send(bytes);
            readSignal();
        } else {
            receive(bytes);
            writeSignal();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Both ranks send {@code bytes} to each other at the same time; seconds until both directions are done. */
    double bothWaysSeconds(long bytes) throws IOException, InterruptedException {
        barrier();
        long start = System.nanoTime();
        Future<?> sending = sender.submit(() -> {
            try {
                send(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        receive(bytes);
        try {
            sending.get();
        } catch (ExecutionException e) {
            throw new IOException("sending failed", e.getCause());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void send(long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            sendBuffer.clear().limit((int) Math.min(BUFFER_BYTES, left));
            while (sendBuffer.hasRemaining()) {
                left -= channel.write(sendBuffer);
            }
        }
    }

    private void receive(long bytes) throws IOException {
        for (long left = bytes; left > 0; ) {
            receiveBuffer.clear().limit((int) Math.min(BUFFER_BYTES, left));
            int count = channel.read(receiveBuffer);
            if (count < 0) {
                throw new IOException("the other process closed the connection");
            }
            left -= count;
        }
    }

    /** Both ranks send one byte, then read one: neither starts before the other is ready. */
    private void barrier() throws IOException {
        writeSignal();
        readSignal();
    }

    private void writeSignal() throws IOException {
        signal.clear();
        while (signal.hasRemaining()) {
            channel.write(signal);
        }
    }

    private void readSignal() throws IOException {
        signal.clear();
        while (signal.hasRemaining()) {
            if (channel.read(signal) < 0) {
                throw new IOException("the other process closed the connection");
            }
        }
    }

    @Override
    public void close() throws IOException {
        sender.shutdownNow();
        channel.close();
    }
}
