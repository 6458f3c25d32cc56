package clearbg.jobs.allreduce;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * The protocol that opens each ring connection, so that a rank never streams gradients to or from anyone
 * but its neighbour: mutual challenge and response over the ring's {@link RingKey}, plus plain checks that
 * give a misconfigured genuine peer a clear reason. This class holds the rules and builds the messages;
 * {@link ConnectorHandshake} (connecting to the next rank) and {@link AcceptorHandshake} (one connection
 * accepted from whoever connects) run them.
 *
 * <h2>Messages</h2>
 *
 * Big-endian. A reason is a 2-byte length and at most {@value #MAX_REASON_BYTES} bytes of UTF-8; an empty
 * reason means "go on".
 * <ol>
 *   <li>hello, connecting rank C to accepting rank A: magic, version, C's rank, world size (4 bytes each),
 *       token length (2 bytes), job token (at most {@value #MAX_TOKEN_BYTES} bytes), nonce<sub>C</sub>
 *       ({@value #NONCE_BYTES} fresh random bytes);
 *   <li>challenge, A to C: magic, A's rank, a reason; when it is empty, nonce<sub>A</sub>
 *       ({@value #NONCE_BYTES} fresh random bytes);
 *   <li>proof, C to A: {@code HMAC-SHA256(K, transcript ‖ 1)};
 *   <li>verdict, A to C: a reason; when it is empty, {@code HMAC-SHA256(K, transcript ‖ 2)}.
 * </ol>
 * {@code transcript = "clearbg ring handshake v2" ‖ token length ‖ token ‖ world size ‖ C's rank ‖ A's rank ‖
 * nonce_C ‖ nonce_A}. Both proofs cover both fresh nonces, so no proof can be replayed, and the last byte
 * (the direction) keeps one side's proof from being reflected as the other's.
 *
 * <h2>Checks and who may fail</h2>
 *
 * A checks the magic (a connection with another magic is dropped without an answer), then the version, the
 * world size, the job token and that C is its previous rank (a mismatch is answered with a reason naming
 * what differs, and dropped), then C's proof. C checks the magic, the reason, that A is its next rank and
 * A's proof. C proves first: A is the side strangers reach, and it computes a proof only for a peer that
 * has proved itself, so a stranger learns nothing derived from the key; the reasons it can read only
 * name this ring's world size and the rank expected, never the token or anything secret.
 *
 * <p>Nothing a connection sends can fail the accepting rank: whatever fails the checks is dropped and the
 * rank keeps waiting for its real neighbour ({@link RingAcceptor}). The connecting rank connects to the
 * address it was given through a trusted channel, so there a refusal or a wrong proof fails the set-up at
 * once, with the reason.
 */
final class RingHandshake {

    static final int MAGIC = 0x52_49_4E_47; // "RING"
    static final int VERSION = 2;
    /** Longest job token in UTF-8 bytes. */
    static final int MAX_TOKEN_BYTES = 1024;
    /** Longest reason in UTF-8 bytes. */
    static final int MAX_REASON_BYTES = 512;

    static final int NONCE_BYTES = 32;
    static final int PROOF_BYTES = RingKey.SHARE_BYTES;
    /** Bytes of a hello before the token: magic, version, rank, world size, token length. */
    static final int HELLO_HEAD_BYTES = 4 * Integer.BYTES + Short.BYTES;

    private static final byte[] LABEL = "clearbg ring handshake v2".getBytes(StandardCharsets.US_ASCII);
    private static final byte CONNECTOR_PROVES = 1;
    private static final byte ACCEPTOR_PROVES = 2;

    private final RingSettings settings;
    private final byte[] jobToken;
    private final RingKey key;
    private final SecureRandom random;

    /**
     * @param jobToken the ring's job token in UTF-8, at most {@value #MAX_TOKEN_BYTES} bytes
     * @param key the ring's key
     * @param random the source of nonces
     */
    RingHandshake(RingSettings settings, byte[] jobToken, RingKey key, SecureRandom random) {
        if (jobToken.length > MAX_TOKEN_BYTES) {
            throw new IllegalArgumentException("job token longer than " + MAX_TOKEN_BYTES + " bytes");
        }
        this.settings = settings;
        this.jobToken = jobToken.clone();
        this.key = key;
        this.random = random;
    }

    RingSettings settings() {
        return settings;
    }

    /** A fresh nonce. */
    byte[] newNonce() {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }

    /** Message 1 from this rank, ready to write. */
    ByteBuffer hello(byte[] nonce) {
        return ByteBuffer.allocate(HELLO_HEAD_BYTES + jobToken.length + NONCE_BYTES)
                .putInt(MAGIC)
                .putInt(VERSION)
                .putInt(settings.rank())
                .putInt(settings.worldSize())
                .putShort((short) jobToken.length)
                .put(jobToken)
                .put(nonce)
                .flip();
    }

    /** Message 2 from this rank: go on with {@code nonce} when the reason is empty, else the refusal. */
    ByteBuffer challenge(String reason, byte[] nonce) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 * Integer.BYTES + Short.BYTES + text.length + (reason.isEmpty() ? NONCE_BYTES : 0))
                .putInt(MAGIC)
                .putInt(settings.rank())
                .putShort((short) text.length)
                .put(text)
                .put(reason.isEmpty() ? nonce : new byte[0])
                .flip();
    }

    /** Message 4 from this rank: accepted with {@code proof} when the reason is empty, else the refusal. */
    static ByteBuffer verdict(String reason, byte[] proof) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Short.BYTES + text.length + (reason.isEmpty() ? PROOF_BYTES : 0))
                .putShort((short) text.length)
                .put(text)
                .put(reason.isEmpty() ? proof : new byte[0])
                .flip();
    }

    /** Why a hello of another protocol version is refused, or "" for this version. */
    static String versionRefusal(int version) {
        return version == VERSION ? "" : "protocol version " + version + ", expected " + VERSION;
    }

    /** Why this rank refuses a hello (of this version), or "" when it goes on to the challenge. */
    String refusal(int senderRank, int worldSize, byte[] token) {
        if (worldSize != settings.worldSize()) {
            return "world size " + worldSize + " differs from " + settings.worldSize();
        }
        if (!MessageDigest.isEqual(token, jobToken)) {
            return "job token differs (a connection from another job or attempt)";
        }
        if (senderRank != settings.previous()) {
            return "sender is rank " + senderRank + ", expected rank " + settings.previous();
        }
        return "";
    }

    /** Message 3: this rank, connecting to its next rank, proves it holds the key. */
    byte[] connectorProof(byte[] connectorNonce, byte[] acceptorNonce) {
        return key.prove(transcript(settings.rank(), settings.next(), connectorNonce, acceptorNonce, CONNECTOR_PROVES));
    }

    /** Whether the previous rank's message 3 proves that it holds the key. */
    boolean verifiesConnector(byte[] connectorNonce, byte[] acceptorNonce, byte[] proof) {
        return key.verify(
                transcript(settings.previous(), settings.rank(), connectorNonce, acceptorNonce, CONNECTOR_PROVES),
                proof);
    }

    /** Message 4's proof: this rank, accepting its previous rank, proves it holds the key. */
    byte[] acceptorProof(byte[] connectorNonce, byte[] acceptorNonce) {
        return key.prove(
                transcript(settings.previous(), settings.rank(), connectorNonce, acceptorNonce, ACCEPTOR_PROVES));
    }

    /** Whether the next rank's message 4 proves that it holds the key. */
    boolean verifiesAcceptor(byte[] connectorNonce, byte[] acceptorNonce, byte[] proof) {
        return key.verify(
                transcript(settings.rank(), settings.next(), connectorNonce, acceptorNonce, ACCEPTOR_PROVES), proof);
    }

    private byte[] transcript(
            int connectorRank, int acceptorRank, byte[] connectorNonce, byte[] acceptorNonce, byte direction) {
        return ByteBuffer.allocate(
                        LABEL.length + Short.BYTES + jobToken.length + 3 * Integer.BYTES + 2 * NONCE_BYTES + 1)
                .put(LABEL)
                .putShort((short) jobToken.length)
                .put(jobToken)
                .putInt(settings.worldSize())
                .putInt(connectorRank)
                .putInt(acceptorRank)
                .put(connectorNonce)
                .put(acceptorNonce)
                .put(direction)
                .array();
    }
}
