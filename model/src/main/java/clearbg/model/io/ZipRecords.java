package clearbg.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The records of a {@code torch.save} zip archive, read on demand through the archive's central directory
 * (PyTorch writes entries with data descriptors, which a streaming zip reader cannot handle). Every record lies
 * under one folder (the archive name, e.g. {@code archive/}), found from its {@code data.pkl} record.
 *
 * <p>Limits, so that a hostile archive (a zip bomb, or sizes that lie) costs at most what it declares and the
 * declarations are bounded: the archive is at most {@link #MAX_ARCHIVE_BYTES}, and so is the sum of the
 * uncompressed sizes its central directory declares; {@code data.pkl} declares at most
 * {@link #MAX_PICKLE_BYTES}, {@code byteorder} at most {@link #MAX_BYTEORDER_BYTES}, and a storage exactly the
 * bytes its elements need (at most {@link #MAX_STORAGE_BYTES}). Each record is then read through a bounded
 * stream: at most its declared size plus one byte is ever inflated, and a record that inflates to more or to
 * less than it declares is an error.
 */
final class ZipRecords implements AutoCloseable {
    /** Largest archive, and largest sum of declared uncompressed record sizes: 4 GiB. */
    static final long MAX_ARCHIVE_BYTES = 4L << 30;
    /** Largest {@code data.pkl}: 64 MiB (torch writes a few hundred bytes per tensor). */
    static final long MAX_PICKLE_BYTES = 64L << 20;
    /** Largest {@code byteorder} record ({@code little} or {@code big}). */
    static final long MAX_BYTEORDER_BYTES = 16;
    /** Largest storage record: one Java byte array. */
    static final long MAX_STORAGE_BYTES = Integer.MAX_VALUE - 8;

    private static final String PICKLE = "data.pkl";

    private final ZipFile zip;
    private final String source;
    private final String prefix;

    private ZipRecords(ZipFile zip, String source, String prefix) {
        this.zip = zip;
        this.source = source;
        this.prefix = prefix;
    }

    /**
     * Opens the archive.
     *
     * @throws WeightsFormatException if the file is not a well-formed zip archive, has no {@code data.pkl}, or
     *     it or its declared records are larger than {@link #MAX_ARCHIVE_BYTES}
     */
    static ZipRecords open(Path file, String source) throws IOException {
        long size = Files.size(file);
        if (size > MAX_ARCHIVE_BYTES) {
            throw new WeightsFormatException(
                    source, "archive of " + size + " bytes is larger than the limit of " + MAX_ARCHIVE_BYTES);
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new WeightsFormatException(source, "corrupt or truncated zip archive (" + e.getMessage() + ")", e);
        }
        try {
            return new ZipRecords(zip, source, prefix(zip, source));
        } catch (WeightsFormatException e) {
            zip.close();
            throw e;
        }
    }

    /** The folder of {@code data.pkl}, checking the declared sizes on the way. */
    private static String prefix(ZipFile zip, String source) throws WeightsFormatException {
        String prefix = null;
        long declared = 0;
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry entry = en.nextElement();
            declared += Math.max(entry.getSize(), 0); // each below 2^63 and the sum so far at most 4 GiB: no overflow
            if (declared > MAX_ARCHIVE_BYTES) {
                throw new WeightsFormatException(
                        source, "the archive's records declare more than " + MAX_ARCHIVE_BYTES + " bytes uncompressed");
            }
            String name = entry.getName();
            if (prefix == null
                    && name.endsWith("/" + PICKLE)
                    && name.indexOf('/') == name.length() - PICKLE.length() - 1) {
                prefix = name.substring(0, name.length() - PICKLE.length());
            }
        }
        if (prefix == null) {
            throw new WeightsFormatException(
                    source, "zip archive has no <name>/data.pkl record: not written by " + "torch.save");
        }
        return prefix;
    }

    /** The bytes of the pickled object tree, at most {@link #MAX_PICKLE_BYTES}. */
    byte[] pickle() throws WeightsFormatException {
        return record(PICKLE, MAX_PICKLE_BYTES, "data.pkl may hold");
    }

    /** The optional {@code byteorder} record ("little" or "big"), or null. */
    String byteOrder() throws WeightsFormatException {
        return zip.getEntry(prefix + "byteorder") == null
                ? null
                : new String(record("byteorder", MAX_BYTEORDER_BYTES, "byteorder may hold"), StandardCharsets.US_ASCII)
                        .trim();
    }

    /**
     * The bytes of storage {@code key} ({@code <prefix>/data/<key>}), which must be exactly {@code bytes} long.
     *
     * @param bytes what the storage's elements need, at most {@link #MAX_STORAGE_BYTES}
     * @throws WeightsFormatException naming the record if it is absent, unreadable, or not {@code bytes} long
     */
    byte[] storage(String key, long bytes) throws WeightsFormatException {
        byte[] data = record("data/" + key, bytes, "storage " + key + "'s elements need");
        if (data.length != bytes) {
            throw new WeightsFormatException(
                    source, "storage " + key + " holds " + data.length + " bytes, but its " + "elements need " + bytes);
        }
        return data;
    }

    /**
     * The bytes of record {@code <prefix><name>}: at most {@code limit}, refused from its declared size before
     * anything is read, and read through a stream that stops one byte past the declared size.
     *
     * @param limitName says what the limit is, for the error message ("data.pkl may hold" ... "at most 64")
     */
    private byte[] record(String name, long limit, String limitName) throws WeightsFormatException {
        String path = prefix + name;
        ZipEntry entry = zip.getEntry(path);
        if (entry == null) {
            throw new WeightsFormatException(source, "record " + path + " is missing from the zip archive");
        }
        long declared = entry.getSize();
        if (declared < 0 || declared > limit) {
            throw new WeightsFormatException(
                    source, "record " + path + " declares " + declared + " bytes; " + limitName + " at most " + limit);
        }
        byte[] data;
        boolean more;
        try (InputStream in = zip.getInputStream(entry)) {
            data = in.readNBytes((int) declared); // grows with what arrives, never allocates the declared size up front
            more = in.read() != -1;
        } catch (IOException e) {
            throw new WeightsFormatException(source, "record " + path + " is corrupt: " + e, e);
        }
        if (more) {
            throw new WeightsFormatException(
                    source,
                    "record " + path + " inflates past the " + declared
                            + " bytes its zip header declares (a zip bomb or a corrupt archive); refused after reading "
                            + (declared + 1));
        }
        if (data.length < declared) {
            throw new WeightsFormatException(
                    source,
                    "record " + path + " is truncated: " + data.length + " of the " + declared
                            + " bytes its zip header declares");
        }
        return data;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
