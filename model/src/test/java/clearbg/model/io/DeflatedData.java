package clearbg.model.io;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Raw deflate data (no zlib header, as a zip entry holds it) and the CRC-32 and size of what it inflates to.
 */
record DeflatedData(byte[] deflated, long crc, long size) {
    private static final int CHUNK = 1 << 20;
    /** A final, empty block with fixed Huffman codes: BFINAL 1, BTYPE 01, end-of-block code 0000000. */
    private static final byte[] FINAL_EMPTY_BLOCK = {0x03, 0x00};

    /**
     * {@code mebibytes} MiB of zeros, built in a fraction of the time deflating them would take: one MiB of
     * zeros is deflated once with a full flush (which ends its blocks on a byte boundary and forgets the
     * history, so they stand alone), repeated, and closed with an empty final block. 2 GiB become about 2 MB.
     */
    static DeflatedData zeros(int mebibytes) {
        byte[] chunk = fullyFlushed(new byte[CHUNK]);
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunk.length * mebibytes + FINAL_EMPTY_BLOCK.length);
        CRC32 crc = new CRC32();
        byte[] zeros = new byte[CHUNK];
        for (int i = 0; i < mebibytes; i++) {
            out.writeBytes(chunk);
            crc.update(zeros);
        }
        out.writeBytes(FINAL_EMPTY_BLOCK);
        return new DeflatedData(out.toByteArray(), crc.getValue(), (long) mebibytes * CHUNK);
    }

    private static byte[] fullyFlushed(byte[] input) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        try {
            deflater.setInput(input);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[1 << 16];
            int n;
            do {
                n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
                out.write(buffer, 0, n);
            } while (n == buffer.length);
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }
}
