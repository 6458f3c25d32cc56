package clearbg.jobs.allreduce;

import java.util.Base64;

/**
 * What one rank tells every other rank before the ring forms: its listening address and its share of the
 * ring's key ({@link RingKey}). As text, {@code host:port} and the share in Base64, separated by a space.
 *
 * <p>The text holds a secret: share it only through a channel the ranks trust (Spark's barrier
 * {@code allGather}), never print or log it. {@link #toString()} and every message of this class name the
 * address only.
 */
final class RingIntroduction {

    private final RingAddress address;
    private final byte[] share;

    RingIntroduction(RingAddress address, byte[] share) {
        if (share.length != RingKey.SHARE_BYTES) {
            throw new IllegalArgumentException(
                    "a share must have " + RingKey.SHARE_BYTES + " bytes, got " + share.length);
        }
        this.address = address;
        this.share = share.clone();
    }

    /**
     * Reads the text of {@link #encode()}.
     *
     * @param whose whose introduction it is, for messages ("the introduction of rank 2")
     * @throws IllegalArgumentException when the text is not an introduction; the message quotes the
     *     address part only
     */
    static RingIntroduction parse(String text, String whose) {
        int space = text == null ? -1 : text.lastIndexOf(' ');
        if (space <= 0) {
            throw new IllegalArgumentException(whose + " is not 'host:port share'");
        }
        RingAddress address;
        try {
            address = RingAddress.parse(text.substring(0, space));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(whose + ": " + e.getMessage(), e);
        }
        byte[] share;
        try {
            share = Base64.getDecoder().decode(text.substring(space + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(whose + " (" + address + ") has a share that is not Base64");
        }
        if (share.length != RingKey.SHARE_BYTES) {
            throw new IllegalArgumentException(whose + " (" + address + ") has a share of " + share.length
                    + " bytes, expected " + RingKey.SHARE_BYTES);
        }
        return new RingIntroduction(address, share);
    }

    /** The text to share: {@code host:port} and the Base64 share. */
    String encode() {
        return address + " " + Base64.getEncoder().encodeToString(share);
    }

    RingAddress address() {
        return address;
    }

    /** A copy of the share. */
    byte[] share() {
        return share.clone();
    }

    /** The address only; the share is not shown. */
    @Override
    public String toString() {
        return address.toString();
    }
}
