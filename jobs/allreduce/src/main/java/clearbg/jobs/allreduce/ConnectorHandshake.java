package clearbg.jobs.allreduce;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The connecting side of {@link RingHandshake}: this rank introduces itself to its next rank on a blocking,
 * connected channel, proves it holds the key and checks the next rank's proof, every read bounded by one
 * deadline. Whatever goes wrong fails with an {@link IOException} naming the peer (this side connected to
 * the address it was given, so a refusal is an answer from the real peer).
 */
final class ConnectorHandshake {

    private final RingHandshake handshake;
    private final SocketChannel toNext;
    private final String peer;
    private final long deadline;
    private final InputStream in;

    /**
     * @param toNext a connected channel in blocking mode (not closed here)
     * @param peer the next rank for messages ("rank 1 at host:port")
     * @param deadline the {@link System#nanoTime()} by which the handshake must be done
     */
    ConnectorHandshake(RingHandshake handshake, SocketChannel toNext, String peer, long deadline) throws IOException {
        this.handshake = handshake;
        this.toNext = toNext;
        this.peer = peer;
        this.deadline = deadline;
        this.in = toNext.socket().getInputStream();
    }

    /**
     * Runs the handshake to its end.
     *
     * @throws IOException when the next rank refused, is not the next rank, did not prove it holds the key,
     *     closed, broke the protocol or did not answer by the deadline
     */
    void run() throws IOException {
        RingSettings settings = handshake.settings();
        byte[] myNonce = handshake.newNonce();
        writeFully(handshake.hello(myNonce));
        ByteBuffer head = read(2 * Integer.BYTES);
        int magic = head.getInt();
        if (magic != RingHandshake.MAGIC) {
            throw new IOException(
                    peer + " is not a ring all-reduce peer (bad magic 0x" + Integer.toHexString(magic) + ")");
        }
        int peerRank = head.getInt();
        failIfRefused(readReason());
        if (peerRank != settings.next()) {
            throw new IOException(peer + " answered as rank " + peerRank + ", expected rank " + settings.next()
                    + " (stale or misordered address list?)");
        }
        byte[] theirNonce = read(RingHandshake.NONCE_BYTES).array();
        writeFully(ByteBuffer.wrap(handshake.connectorProof(myNonce, theirNonce)));
        failIfRefused(readReason());
        byte[] proof = read(RingHandshake.PROOF_BYTES).array();
        if (!handshake.verifiesAcceptor(myNonce, theirNonce, proof)) {
            throw new IOException(peer + " did not prove it holds this ring's key (not a rank of this stage attempt)");
        }
    }

    private void failIfRefused(String reason) throws IOException {
        if (!reason.isEmpty()) {
            throw new IOException(peer + " refused the connection from rank "
                    + handshake.settings().rank() + ": " + reason);
        }
    }

    private String readReason() throws IOException {
        int length = Short.toUnsignedInt(read(Short.BYTES).getShort());
        if (length > RingHandshake.MAX_REASON_BYTES) {
            throw new IOException(peer + " sent a reason of " + length + " bytes, over the limit of "
                    + RingHandshake.MAX_REASON_BYTES + " (not a ring all-reduce peer?)");
        }
        return new String(read(length).array(), StandardCharsets.UTF_8);
    }

    private void writeFully(ByteBuffer message) throws IOException {
        try {
            while (message.hasRemaining()) {
                toNext.write(message);
            }
        } catch (IOException e) {
            throw new IOException("sending the handshake to " + peer + " failed: " + Failures.describe(e), e);
        }
    }

    /** Reads exactly {@code count} bytes, each blocking read bounded by the time left to the deadline. */
    private ByteBuffer read(int count) throws IOException {
        byte[] bytes = new byte[count];
        for (int done = 0; done < count; ) {
            toNext.socket().setSoTimeout(millisLeft());
            int read;
            try {
                read = in.read(bytes, done, count - done);
            } catch (SocketTimeoutException e) {
                throw new IOException(peer + " did not answer the handshake in time", e);
            } catch (IOException e) {
                throw new IOException("receiving the handshake from " + peer + " failed: " + Failures.describe(e), e);
            }
            if (read < 0) {
                throw new IOException(peer + " closed the connection during the handshake");
            }
            done += read;
        }
        return ByteBuffer.wrap(bytes);
    }

    private int millisLeft() throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
            throw new IOException(peer + " did not answer the handshake in time");
        }
        return (int) Math.min(Integer.MAX_VALUE, left);
    }
}
