package clearbg.model.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The records of a {@code torch.save} zip archive, read on demand through the archive's central directory
 * (PyTorch writes entries with data descriptors, which a streaming zip reader cannot handle). Every record lies
 * under one folder (the archive name, e.g. {@code archive/}), found from its {@code data.pkl} record.
 */
final class ZipRecords implements AutoCloseable {
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
   * @throws WeightsFormatException if the file is not a well-formed zip archive or has no {@code data.pkl}
   */
  static ZipRecords open(Path file, String source) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new WeightsFormatException(source, "corrupt or truncated zip archive (" + e.getMessage() + ")", e);
    }
    for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
      String name = en.nextElement().getName();
      if (name.endsWith("/" + PICKLE) && name.indexOf('/') == name.length() - PICKLE.length() - 1) {
        return new ZipRecords(zip, source, name.substring(0, name.length() - PICKLE.length()));
      }
    }
    zip.close();
    throw new WeightsFormatException(source, "zip archive has no <name>/data.pkl record: not written by torch.save");
  }

  /** The bytes of the pickled object tree. */
  byte[] pickle() throws IOException {
    return record(PICKLE);
  }

  /** The optional {@code byteorder} record ("little" or "big"), or null. */
  String byteOrder() throws IOException {
    return zip.getEntry(prefix + "byteorder") == null ? null
        : new String(record("byteorder"), StandardCharsets.US_ASCII).trim();
  }

  /**
   * The bytes of storage {@code key} ({@code <prefix>/data/<key>}).
   *
   * @throws WeightsFormatException naming the record if it is absent or unreadable
   */
  byte[] storage(String key) throws IOException {
    return record("data/" + key);
  }

  private byte[] record(String name) throws IOException {
    ZipEntry entry = zip.getEntry(prefix + name);
    if (entry == null) {
      throw new WeightsFormatException(source, "record " + prefix + name + " is missing from the zip archive");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return in.readAllBytes();
    } catch (ZipException e) {
      throw new WeightsFormatException(source, "record " + prefix + name + " is corrupt: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
