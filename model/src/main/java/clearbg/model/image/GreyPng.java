package clearbg.model.image;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A fast decoder for the PNGs that masks and saliency maps mostly are: 8-bit grey, not interlaced (PNG
 * specification, ISO/IEC 15948: IHDR bit depth 8, colour type 0, interlace 0). It inflates the IDAT stream with
 * {@link Inflater} and reverses the five row filters itself, giving the same 0..255 values as ImageIO's PNG reader
 * (and {@link RasterConverter}) without building a {@code BufferedImage}.
 *
 * <p>It declines ({@link #decode} returns null) every PNG it does not fully understand, so that the caller falls
 * back to ImageIO and its checks and error messages: another signature, bit depth, colour type or interlace
 * method; a {@code tRNS} or {@code iCCP} chunk, or any critical chunk but IHDR, IDAT and IEND; a chunk whose CRC does
 * not match or that runs past the end, a file that ends before IEND; a zlib stream that is corrupt, ends early or
 * holds too few bytes; an unknown row filter; more pixels than allowed.
 */
final class GreyPng {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private GreyPng() {}

    /**
     * The 0..255 grey values of an 8-bit grey PNG, row-major, or null when it is not one this class decodes (see
     * the class description).
     */
    static FloatImage decode(byte[] png, long maxPixels) {
        if (png.length < SIGNATURE.length + 12 || !startsWithSignature(png)) {
            return null;
        }
        int width = 0;
        int height = 0;
        byte[] filtered = null;
        Inflater inflater = new Inflater();
        try {
            int offset = SIGNATURE.length;
            boolean header = false;
            while (offset + 12 <= png.length) {
                int length = readInt(png, offset);
                if (length < 0 || length > png.length - offset - 12) {
                    return null;
                }
                String type = chunkType(png, offset);
                int data = offset + 8;
                if (!crcMatches(png, offset + 4, length + 4, readInt(png, data + length))) {
                    return null;
                }
                offset = data + length + 4;
                switch (type) {
                    case "IHDR" -> {
                        if (header || length != 13 || !supportedHeader(png, data)) {
                            return null;
                        }
                        width = readInt(png, data);
                        height = readInt(png, data + 4);
                        if (width <= 0
                                || height <= 0
                                || (long) width * height > maxPixels
                                || (long) height * (width + 1) > Integer.MAX_VALUE - 8) {
                            return null;
                        }
                        filtered = new byte[height * (width + 1)];
                        header = true;
                    }
                    case "IDAT" -> {
                        if (!header) {
                            return null;
                        }
                        inflater.setInput(png, data, length);
                        inflate(inflater, filtered);
                    }
                    case "IEND" -> {
                        return header && inflater.getBytesWritten() == filtered.length
                                ? unfilter(filtered, width, height)
                                : null;
                    }
                    case "tRNS", "iCCP" -> {
                        return null;
                    }
                    default -> {
                        if (isCritical(type)) {
                            return null; // a critical chunk this class does not know (PLTE has no place here)
                        }
                    }
                }
            }
            return null;
        } catch (DataFormatException e) {
            return null;
        } finally {
            inflater.end();
        }
    }

    /**
     * The header of an 8-bit grey PNG that {@link #decode} takes, from its chunk list alone (IHDR first and
     * supported, no chunk that makes {@link #decode} decline, IEND last; CRCs and pixels are not checked here):
     * format "PNG", one byte and one channel per pixel, as ImageIO's reader reports it. Null otherwise.
     */
    static ImageHeader header(byte[] png) {
        if (png.length < SIGNATURE.length + 12 + 13 || !startsWithSignature(png)) {
            return null;
        }
        int offset = SIGNATURE.length;
        int data = offset + 8;
        if (readInt(png, offset) != 13
                || !"IHDR".equals(chunkType(png, offset))
                || !supportedHeader(png, data)
                || readInt(png, data) <= 0
                || readInt(png, data + 4) <= 0) {
            return null;
        }
        ImageHeader header = new ImageHeader("PNG", readInt(png, data), readInt(png, data + 4), 1, 1);
        offset = data + 13 + 4;
        while (offset + 12 <= png.length) {
            int length = readInt(png, offset);
            if (length < 0 || length > png.length - offset - 12) {
                return null;
            }
            String type = chunkType(png, offset);
            if (type.equals("IEND")) {
                return header;
            }
            if (!type.equals("IDAT") && (type.equals("tRNS") || type.equals("iCCP") || isCritical(type))) {
                return null;
            }
            offset += length + 12;
        }
        return null;
    }

    private static String chunkType(byte[] png, int chunk) {
        return new String(png, chunk + 4, 4, StandardCharsets.ISO_8859_1);
    }

    private static boolean isCritical(String type) {
        return Character.isUpperCase(type.charAt(0));
    }

    private static boolean startsWithSignature(byte[] png) {
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (png[i] != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** Bit depth 8, colour type 0 (grey), compression 0, filter method 0, interlace 0. */
    private static boolean supportedHeader(byte[] png, int data) {
        return png[data + 8] == 8
                && png[data + 9] == 0
                && png[data + 10] == 0
                && png[data + 11] == 0
                && png[data + 12] == 0;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static boolean crcMatches(byte[] png, int from, int length, int expected) {
        CRC32 crc = new CRC32();
        crc.update(png, from, length);
        return (int) crc.getValue() == expected;
    }

    /** Inflates what the current input gives into the rest of {@code out}; never past its end. */
    private static void inflate(Inflater inflater, byte[] out) throws DataFormatException {
        while (!inflater.needsInput() && !inflater.finished()) {
            int written = (int) inflater.getBytesWritten();
            if (written == out.length) {
                return; // more data than the image holds: ImageIO ignores it, and so does this
            }
            if (inflater.inflate(out, written, out.length - written) == 0 && inflater.needsDictionary()) {
                throw new DataFormatException("preset dictionary");
            }
        }
    }

    /**
     * Reverses the row filters (byte distance 1): 0 none, 1 sub, 2 up, 3 average, 4 Paeth; null for another
     * filter type.
     */
    private static FloatImage unfilter(byte[] filtered, int width, int height) {
        int[] previous = new int[width];
        int[] row = new int[width];
        float[] out = new float[width * height];
        for (int y = 0; y < height; y++) {
            int start = y * (width + 1) + 1;
            switch (filtered[start - 1]) {
                case 0 -> {
                    for (int x = 0; x < width; x++) {
                        row[x] = filtered[start + x] & 0xff;
                    }
                }
                case 1 -> {
                    int left = 0;
                    for (int x = 0; x < width; x++) {
                        left = (filtered[start + x] + left) & 0xff;
                        row[x] = left;
                    }
                }
                case 2 -> {
                    for (int x = 0; x < width; x++) {
                        row[x] = (filtered[start + x] + previous[x]) & 0xff;
                    }
                }
                case 3 -> {
                    int left = 0;
                    for (int x = 0; x < width; x++) {
                        left = (filtered[start + x] + ((left + previous[x]) >>> 1)) & 0xff;
                        row[x] = left;
                    }
                }
                case 4 -> {
                    int left = 0;
                    int upLeft = 0;
                    for (int x = 0; x < width; x++) {
                        int up = previous[x];
                        left = (filtered[start + x] + paeth(left, up, upLeft)) & 0xff;
                        row[x] = left;
                        upLeft = up;
                    }
                }
                default -> {
                    return null;
                }
            }
            int base = y * width;
            for (int x = 0; x < width; x++) {
                out[base + x] = row[x];
            }
            int[] swap = previous;
            previous = row;
            row = swap;
        }
        return FloatImage.of(width, height, 1, out);
    }

    private static int paeth(int left, int up, int upLeft) {
        int p = left + up - upLeft;
        int pa = Math.abs(p - left);
        int pb = Math.abs(p - up);
        int pc = Math.abs(p - upLeft);
        if (pa <= pb && pa <= pc) {
            return left;
        }
        return pb <= pc ? up : upLeft;
    }
}
