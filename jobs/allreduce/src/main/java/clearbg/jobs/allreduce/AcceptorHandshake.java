package clearbg.jobs.allreduce;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * The accepting side of {@link RingHandshake} on one connection from anyone: a state machine over a
 * non-blocking channel that {@link #advance()} moves as far as the channel allows without waiting, so that
 * one silent or slow connection never holds up another. Reads are bounded by the protocol (a token over
 * {@value RingHandshake#MAX_TOKEN_BYTES} bytes is refused before anything is allocated for it), so a
 * connection holds at most a few kilobytes. Used by one thread.
 */
final class AcceptorHandshake {

    /** Where the connection stands after {@link #advance()}. */
    enum State {
        /** waiting for the peer, or for room to send */
        PENDING,
        /** the previous rank proved itself and was told so: the connection carries the ring from now on */
        AUTHENTICATED,
        /** the connection failed the handshake ({@link #dropReason()} says why); close it */
        DROPPED
    }

    private enum Step {
        HELLO_HEAD,
        HELLO_REST,
        PROOF,
        SEND_CHALLENGE,
        SEND_VERDICT
    }

    private final RingHandshake handshake;
    private final SocketChannel channel;
    private long progressNanos = System.nanoTime();
    private Step step = Step.HELLO_HEAD;
    private ByteBuffer incoming = ByteBuffer.allocate(RingHandshake.HELLO_HEAD_BYTES);
    private ByteBuffer outgoing;
    private int senderRank;
    private int senderWorldSize;
    private byte[] theirNonce;
    private byte[] myNonce;
    private String dropReason;

    /** @param channel an accepted, non-blocking channel (the caller closes it) */
    AcceptorHandshake(RingHandshake handshake, SocketChannel channel) {
        this.handshake = handshake;
        this.channel = channel;
    }

    SocketChannel channel() {
        return channel;
    }

    /**
     * When the connection last made progress ({@link System#nanoTime()}): when it was accepted, or when the
     * last whole message was received from it. A real peer sends each message within a round trip of the
     * previous one.
     */
    long progressNanos() {
        return progressNanos;
    }

    /** Why the connection was dropped, for messages; null unless {@link State#DROPPED}. */
    String dropReason() {
        return dropReason;
    }

    /** The selector operations this connection waits for while {@link State#PENDING}. */
    int interestOps() {
        return outgoing != null ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
    }

    /** Reads and writes what the channel allows now, without blocking. */
    State advance() {
        try {
            while (true) {
                if (outgoing != null) {
                    channel.write(outgoing);
                    if (outgoing.hasRemaining()) {
                        return State.PENDING;
                    }
                    outgoing = null;
                    if (step == Step.SEND_VERDICT) {
                        return State.AUTHENTICATED;
                    }
                    expect(Step.PROOF, RingHandshake.PROOF_BYTES);
                }
                int read = channel.read(incoming);
                if (read < 0) {
                    return drop("closed the connection during the handshake");
                }
                if (incoming.hasRemaining()) {
                    return State.PENDING;
                }
                incoming.flip();
                progressNanos = System.nanoTime();
                State state = received();
                if (state != State.PENDING) {
                    return state;
                }
            }
        } catch (IOException e) {
            return drop("broke off: " + Failures.describe(e));
        }
    }

    /** Handles a complete message of the current step. */
    private State received() throws IOException {
        switch (step) {
            case HELLO_HEAD -> {
                int magic = incoming.getInt();
                if (magic != RingHandshake.MAGIC) {
                    return drop("is not a ring all-reduce peer (bad magic)");
                }
                String versionRefusal = RingHandshake.versionRefusal(incoming.getInt());
                if (!versionRefusal.isEmpty()) {
                    return refuse(handshake.challenge(versionRefusal, null), versionRefusal);
                }
                senderRank = incoming.getInt();
                senderWorldSize = incoming.getInt();
                int tokenBytes = Short.toUnsignedInt(incoming.getShort());
                if (tokenBytes > RingHandshake.MAX_TOKEN_BYTES) {
                    String reason =
                            "job token of " + tokenBytes + " bytes, over the limit of " + RingHandshake.MAX_TOKEN_BYTES;
                    return refuse(handshake.challenge(reason, null), reason);
                }
                expect(Step.HELLO_REST, tokenBytes + RingHandshake.NONCE_BYTES);
            }
            case HELLO_REST -> {
                byte[] token = new byte[incoming.remaining() - RingHandshake.NONCE_BYTES];
                incoming.get(token);
                theirNonce = new byte[RingHandshake.NONCE_BYTES];
                incoming.get(theirNonce);
                String reason = handshake.refusal(senderRank, senderWorldSize, token);
                if (!reason.isEmpty()) {
                    return refuse(handshake.challenge(reason, null), reason);
                }
                myNonce = handshake.newNonce();
                send(Step.SEND_CHALLENGE, handshake.challenge("", myNonce));
            }
            case PROOF -> {
                byte[] proof = new byte[RingHandshake.PROOF_BYTES];
                incoming.get(proof);
                if (!handshake.verifiesConnector(theirNonce, myNonce, proof)) {
                    String reason = "its proof of the ring's key is wrong (not a rank of this stage attempt)";
                    return refuse(RingHandshake.verdict(reason, null), reason);
                }
                send(Step.SEND_VERDICT, RingHandshake.verdict("", handshake.acceptorProof(theirNonce, myNonce)));
            }
            default -> throw new IllegalStateException("no message is read in step " + step);
        }
        return State.PENDING;
    }

    private void expect(Step next, int bytes) {
        step = next;
        incoming = ByteBuffer.allocate(bytes);
    }

    private void send(Step next, ByteBuffer message) {
        step = next;
        outgoing = message;
    }

    /** Tells the peer why, as far as one write goes without waiting, and drops the connection. */
    private State refuse(ByteBuffer refusal, String reason) throws IOException {
        channel.write(refusal);
        return drop("was refused: " + reason);
    }

    private State drop(String reason) {
        dropReason = reason;
        return State.DROPPED;
    }
}
