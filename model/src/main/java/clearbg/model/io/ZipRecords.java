package clearbg.model.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * The records of a {@code torch.save} zip archive, read in one pass from a stream: every entry lies under one
 * top-level folder (the archive name, e.g. {@code archive/}), found from its {@code data.pkl} record.
 */
final class ZipRecords {
  private static final String PICKLE = "data.pkl";

  private final String source;
  private final String prefix;
  private final Map<String, byte[]> records;

  private ZipRecords(String source, String prefix, Map<String, byte[]> records) {
    this.source = source;
    this.prefix = prefix;
    this.records = records;
  }

  /**
   * Reads every entry of the archive into memory.
   *
   * @throws WeightsFormatException if the stream is not a well-formed zip archive or has no {@code data.pkl}
   */
  static ZipRecords read(InputStream in, String source) throws IOException {
    Map<String, byte[]> records = new HashMap<>();
    String prefix = null;
    try (ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        if (e.isDirectory()) {
          continue;
        }
        String name = e.getName();
        records.put(name, zip.readAllBytes());
        if (name.endsWith("/" + PICKLE) && name.indexOf('/') == name.length() - PICKLE.length() - 1) {
          prefix = name.substring(0, name.length() - PICKLE.length());
        }
      }
    } catch (ZipException | EOFException e) {
      throw new WeightsFormatException(source, "corrupt or truncated zip archive (" + e.getMessage() + ")", e);
    }
    if (prefix == null) {
      throw new WeightsFormatException(source,
          "zip archive has no <name>/data.pkl record: not written by torch.save");
    }
    return new ZipRecords(source, prefix, records);
  }

  /** The bytes of the pickled object tree. */
  byte[] pickle() {
    return records.get(prefix + PICKLE);
  }

  /** The optional {@code byteorder} record ("little" or "big"), or null. */
  String byteOrder() {
    byte[] b = records.get(prefix + "byteorder");
    return b == null ? null : new String(b, StandardCharsets.US_ASCII).trim();
  }

  /**
   * The bytes of storage {@code key} ({@code <prefix>/data/<key>}).
   *
   * @throws WeightsFormatException naming the record if it is absent
   */
  byte[] storage(String key) throws WeightsFormatException {
    byte[] b = records.get(prefix + "data/" + key);
    if (b == null) {
      throw new WeightsFormatException(source, "storage record " + prefix + "data/" + key
          + " is missing (truncated archive?)");
    }
    return b;
  }
}
