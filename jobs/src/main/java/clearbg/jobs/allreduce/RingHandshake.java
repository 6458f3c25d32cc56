package clearbg.jobs.allreduce;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;

/**
 * The few bytes that open each ring connection, so a rank never streams gradients to or from a stranger.
 *
 * <p>The connecting rank sends a hello: magic, protocol version, its rank, the world size and the job
 * token. The accepting rank checks that the hello comes from its previous rank of a ring of the same size
 * and job, and answers with a verdict: magic, its own rank and an empty reason (accepted) or the reason it
 * refuses. The connecting rank checks that the answer comes from its next rank. A refusal fails the setup
 * on both sides at once, with the reason in the exception, instead of waiting for the time-out.
 *
 * <p>The job token tells rings apart (for example a Spark stage attempt), so a connection left over from an
 * earlier attempt is refused; it is not a secret and gives no authentication. Reads use the socket's read
 * time-out, set by the caller.
 */
final class RingHandshake {

    private static final int MAGIC = 0x52_49_4E_47; // "RING"
    private static final int VERSION = 1;
    /** Longest job token in UTF-8 bytes (the wire format allows 65,535). */
    static final int MAX_TOKEN_BYTES = 1024;

    private final RingSettings settings;
    private final String jobToken;

    RingHandshake(RingSettings settings, String jobToken) {
        this.settings = settings;
        this.jobToken = jobToken;
    }

    /** Connecting side, first half: introduces this rank to the next one. */
    void sendHello(SocketChannel toNext) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(VERSION);
        out.writeInt(settings.rank());
        out.writeInt(settings.worldSize());
        out.writeUTF(jobToken);
        toNext.socket().getOutputStream().write(bytes.toByteArray());
    }

    /**
     * Connecting side, second half: reads the next rank's verdict.
     *
     * @throws IOException when the peer refused, is not the next rank, or sent something else
     */
    void awaitVerdict(SocketChannel toNext, String peer) throws IOException {
        try {
            DataInputStream in = new DataInputStream(toNext.socket().getInputStream());
            expectMagic(in.readInt(), peer);
            int peerRank = in.readInt();
            String reason = in.readUTF();
            if (!reason.isEmpty()) {
                throw new IOException(peer + " refused the connection from rank " + settings.rank() + ": " + reason);
            }
            if (peerRank != settings.next()) {
                throw new IOException(peer + " answered as rank " + peerRank + ", expected rank " + settings.next()
                        + " (stale or misordered address list?)");
            }
        } catch (EOFException e) {
            throw new IOException(peer + " closed the connection during the handshake", e);
        } catch (SocketTimeoutException e) {
            throw new IOException(peer + " did not answer the handshake in time", e);
        }
    }

    /**
     * Accepting side: reads the hello of a new connection, which should come from the previous rank, and
     * answers with the verdict.
     *
     * @param source the connection's description for messages ("the connection from host:port")
     * @throws IOException when the connection was refused (the peer is told why) or broke
     */
    void acceptHello(SocketChannel fromPrevious, String source) throws IOException {
        Socket socket = fromPrevious.socket();
        String reason;
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            expectMagic(in.readInt(), source);
            reason = refusal(in.readInt(), in.readInt(), in.readInt(), in.readUTF());
        } catch (EOFException e) {
            throw new IOException(source + " closed during the handshake", e);
        } catch (SocketTimeoutException e) {
            throw new IOException(source + " sent no handshake in time", e);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(settings.rank());
        out.writeUTF(reason);
        socket.getOutputStream().write(bytes.toByteArray());
        if (!reason.isEmpty()) {
            throw new IOException("rank " + settings.rank() + " refused " + source + ": " + reason);
        }
    }

    /** Why a hello is refused, or "" when it is accepted. */
    private String refusal(int version, int senderRank, int worldSize, String token) {
        if (version != VERSION) {
            return "protocol version " + version + ", expected " + VERSION;
        }
        if (worldSize != settings.worldSize()) {
            return "world size " + worldSize + " differs from " + settings.worldSize();
        }
        if (!token.equals(jobToken)) {
            return "job token differs (a connection from another job or attempt)";
        }
        if (senderRank != settings.previous()) {
            return "sender is rank " + senderRank + ", expected rank " + settings.previous();
        }
        return "";
    }

    private static void expectMagic(int magic, String who) throws IOException {
        if (magic != MAGIC) {
            throw new IOException(who + " is not a ring all-reduce peer (bad magic 0x" + Integer.toHexString(magic) + ")");
        }
    }
}
