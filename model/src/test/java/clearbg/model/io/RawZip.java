package clearbg.model.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes a zip archive header by header (APPNOTE 4.3: local headers, data, central directory, end record), so
 * that a test can declare any uncompressed size, true or not, and supply data deflated elsewhere.
 */
final class RawZip implements AutoCloseable {
    private static final int STORED = 0;
    private static final int DEFLATED = 8;

    private record Entry(byte[] name, int method, long crc, long compressedSize, long declaredSize, long offset) {}

    private final OutputStream out;
    private final List<Entry> entries = new ArrayList<>();
    private long written;

    RawZip(Path file) throws IOException {
        this.out = new BufferedOutputStream(Files.newOutputStream(file));
    }

    /** An uncompressed entry whose headers tell the truth. */
    RawZip stored(String name, byte[] data) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(data);
        return entry(name, STORED, crc.getValue(), data, data.length);
    }

    /** A deflated entry (raw deflate data) whose headers declare {@code declaredSize} bytes uncompressed. */
    RawZip deflated(String name, DeflatedData data, long declaredSize) throws IOException {
        return entry(name, DEFLATED, data.crc(), data.deflated(), declaredSize);
    }

    private RawZip entry(String name, int method, long crc, byte[] data, long declaredSize) throws IOException {
        Entry e = new Entry(name.getBytes(StandardCharsets.UTF_8), method, crc, data.length, declaredSize, written);
        entries.add(e);
        write(header(0x04034b50, 30, e).array());
        write(e.name());
        write(data);
        return this;
    }

    @Override
    public void close() throws IOException {
        long directory = written;
        for (Entry e : entries) {
            ByteBuffer h = header(0x02014b50, 46, e);
            write(h.array());
            write(e.name());
        }
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort((short) entries.size())
                .putShort((short) entries.size())
                .putInt((int) (written - directory))
                .putInt((int) directory)
                .putShort((short) 0);
        write(end.array());
        out.close();
    }

    /** A local (30 bytes) or central (46 bytes) header; both share the fields after the signature's version. */
    private static ByteBuffer header(int signature, int length, Entry e) {
        ByteBuffer h = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(signature);
        if (length == 46) {
            h.putShort((short) 20); // version made by
        }
        h.putShort((short) 20)
                .putShort((short) 0)
                .putShort((short) e.method())
                .putShort((short) 0)
                .putShort((short) 0x21)
                .putInt((int) e.crc())
                .putInt((int) e.compressedSize())
                .putInt((int) e.declaredSize())
                .putShort((short) e.name().length)
                .putShort((short) 0);
        if (length == 46) {
            h.putShort((short) 0)
                    .putShort((short) 0)
                    .putShort((short) 0)
                    .putInt(0)
                    .putInt((int) e.offset());
        }
        return h;
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }
}
