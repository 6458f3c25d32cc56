package clearbg.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 of a safetensors file's data section (every byte after the header), read as a stream so that a
 * checkpoint of any size is checked in constant memory. {@link SafetensorsWriter#dataSha256} computes the same
 * digest from the tensors before they are written, so a file can name the digest of its own data in its
 * metadata: a flipped bit, a truncated or a padded file then no longer matches.
 */
public final class SafetensorsDigest {

    private static final int BUFFER_BYTES = 1 << 16;

    private SafetensorsDigest() {}

    /**
     * The digest of the rest of {@code in}, which must stand just after the header (as
     * {@link SafetensorsReader#readMetadata(InputStream, String)} leaves it); reads to the end, does not close.
     */
    public static String ofDataSection(InputStream in) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[BUFFER_BYTES];
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
