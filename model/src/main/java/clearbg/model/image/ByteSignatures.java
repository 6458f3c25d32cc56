package clearbg.model.image;

import java.util.Optional;

/**
 * Recognises encoded formats from their bytes and detects truncation that ImageIO would hide.
 *
 * <p>Truncation rules (the only ones applied):
 * <ul>
 *   <li>JPEG: the file must contain an EOI marker ({@code FF D9}) after the last SOS marker
 *       ({@code FF DA}). Inside entropy-coded data every {@code FF} is followed by {@code 00} or a restart
 *       marker, so an {@code FF D9} there is always a real marker; an EOI that belongs to an embedded EXIF
 *       thumbnail comes before the main image's SOS and does not count. Trailing bytes after EOI are
 *       accepted.</li>
 *   <li>PNG: the file must contain an {@code IEND} chunk type.</li>
 * </ul>
 * Both matter because ImageIO's JPEG reader returns a partly grey image for a cut-off file instead of
 * failing, and the PNG reader can succeed when only the trailing chunks are missing.
 */
final class ByteSignatures {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] IEND = {'I', 'E', 'N', 'D'};
    private static final int TEXT_PROBE_BYTES = 512;

    private ByteSignatures() {}

    static boolean isJpeg(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
    }

    static boolean isPng(byte[] b) {
        return startsWith(b, PNG_MAGIC);
    }

    /** A reason if the bytes of a JPEG or PNG are visibly cut off; empty otherwise or for other formats. */
    static Optional<String> truncation(byte[] b) {
        if (isJpeg(b) && !jpegEndsAfterLastScan(b)) {
            return Optional.of("truncated JPEG (no EOI marker after the last scan)");
        }
        if (isPng(b) && lastIndexOf(b, IEND) < 0) {
            return Optional.of("truncated PNG (no IEND chunk)");
        }
        return Optional.empty();
    }

    /** Why no ImageIO reader accepted the bytes, as precisely as the signature allows. */
    static String unrecognised(byte[] b) {
        if (b.length >= 12 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return "unsupported format (ISO base media container, e.g. HEIC/AVIF; no ImageIO reader)";
        }
        if (looksLikeText(b)) {
            return "not an image (the content is text)";
        }
        return "not an image or an unsupported format (no ImageIO reader recognises the content)";
    }

    private static boolean jpegEndsAfterLastScan(byte[] b) {
        int lastSos = -1;
        int lastEoi = -1;
        for (int i = 0; i + 1 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF) {
                int marker = b[i + 1] & 0xFF;
                if (marker == 0xDA) {
                    lastSos = i;
                } else if (marker == 0xD9) {
                    lastEoi = i;
                }
            }
        }
        return lastEoi > lastSos;
    }

    /** Printable ASCII, tabs and line breaks, or UTF-8 multi-byte sequences only, in the first bytes. */
    private static boolean looksLikeText(byte[] b) {
        int n = Math.min(b.length, TEXT_PROBE_BYTES);
        for (int i = 0; i < n; i++) {
            int v = b[i] & 0xFF;
            boolean text = v == '\t' || v == '\n' || v == '\r' || (v >= 0x20 && v != 0x7F);
            if (!text) {
                return false;
            }
        }
        return n > 0;
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int lastIndexOf(byte[] b, byte[] needle) {
        outer:
        for (int i = b.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
