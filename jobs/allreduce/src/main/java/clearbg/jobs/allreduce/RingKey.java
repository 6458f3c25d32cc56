package clearbg.jobs.allreduce;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret of one ring (one Spark stage attempt), which every rank holds and no stranger does; the
 * handshake proves knowledge of it with HMAC-SHA256 without ever sending it.
 *
 * <h2>How it is formed</h2>
 *
 * Every rank draws a {@linkplain #newShare share} of {@value #SHARE_BYTES} bytes from {@link SecureRandom}
 * and hands it to all ranks together with its address (in Spark inside the one {@code allGather} message,
 * so it travels over the driver's RPC channel and never over the ring's sockets). The key is then
 * {@code HMAC-SHA256(key = LABEL, message = len(token) ‖ token ‖ worldSize ‖ share[0] ‖ ... ‖ share[n-1])},
 * the extract step of HKDF (RFC 5869) with a fixed label as salt, shares in rank order.
 *
 * <p>Why all ranks' shares rather than one chosen by rank 0:
 * <ul>
 *   <li>no rank is special: every rank runs the same code, and the key is unpredictable as long as any one
 *       rank's random generator is;
 *   <li>it checks the exchange for free: two ranks whose lists differ in any share, in length (world size)
 *       or in job token derive different keys, so they cannot authenticate each other, as ranks of another
 *       stage attempt cannot; the key is new for every attempt, so nothing recorded from an earlier one
 *       (a nonce, a proof) is of any use;
 *   <li>its cost is {@value #SHARE_BYTES} bytes per rank in a message that is sent anyway.
 * </ul>
 *
 * <p>The key never leaves this object and {@link #toString()} does not show it.
 */
final class RingKey {

    /** Bytes of each rank's share, and of the key and of every proof. */
    static final int SHARE_BYTES = 32;

    private static final String ALGORITHM = "HmacSHA256";
    private static final byte[] LABEL = "clearbg ring key v2".getBytes(StandardCharsets.US_ASCII);

    private final SecretKeySpec key;

    private RingKey(byte[] key) {
        this.key = new SecretKeySpec(key, ALGORITHM);
    }

    /** A fresh random share for this rank. */
    static byte[] newShare(SecureRandom random) {
        byte[] share = new byte[SHARE_BYTES];
        random.nextBytes(share);
        return share;
    }

    /**
     * The ring's key from every rank's share.
     *
     * @param jobToken the ring's job token in UTF-8
     * @param sharesByRank one share of {@value #SHARE_BYTES} bytes per rank, indexed by rank
     */
    static RingKey derive(byte[] jobToken, List<byte[]> sharesByRank) {
        Mac extract = newMac(new SecretKeySpec(LABEL, ALGORITHM));
        extract.update(ByteBuffer.allocate(Short.BYTES + jobToken.length + Integer.BYTES)
                .putShort((short) jobToken.length)
                .put(jobToken)
                .putInt(sharesByRank.size())
                .array());
        for (byte[] share : sharesByRank) {
            if (share.length != SHARE_BYTES) {
                throw new IllegalArgumentException("a share must have " + SHARE_BYTES + " bytes, got " + share.length);
            }
            extract.update(share);
        }
        return new RingKey(extract.doFinal());
    }

    /** {@code HMAC-SHA256(key, message)}: {@value #SHARE_BYTES} bytes. */
    byte[] prove(byte[] message) {
        return newMac(key).doFinal(message);
    }

    /** Whether {@code proof} is {@link #prove(byte[]) prove(message)}, compared in constant time. */
    boolean verify(byte[] message, byte[] proof) {
        return MessageDigest.isEqual(prove(message), proof);
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "RingKey[not shown]";
    }
}
