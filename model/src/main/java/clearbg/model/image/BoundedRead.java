package clearbg.model.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a stream whole, but never more than a cap: a stream that goes on past it is refused. */
public final class BoundedRead {

    private static final int CHUNK = 64 * 1024;

    private BoundedRead() {}

    /**
     * The whole content of {@code in}.
     *
     * @throws ImageDecodeException naming {@code source} when the stream has more than {@code maxBytes}
     * @throws IOException when reading fails
     */
    public static byte[] readAtMost(InputStream in, long maxBytes, String source) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new ImageDecodeException(
                        source, "file has more than " + maxBytes + " bytes, over the limit (--max-file-bytes)");
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }
}
