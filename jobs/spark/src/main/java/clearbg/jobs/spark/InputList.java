package clearbg.jobs.spark;

import clearbg.jobs.remove.InventoryManifest;
import clearbg.jobs.remove.RemoveOutcome;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The input objects named by {@code --input-list} instead of a listing of the input prefix:
 *
 * <ul>
 *   <li>an S3 Inventory {@code manifest.json} ({@link InventoryManifest}; CSV.gz or Parquet data files, each
 *       checked against the manifest's MD5 first): each row is {@code <scheme>://<bucket>/<key>} in the input's
 *       scheme, with the inventory's size, time and ETag, so no object is asked for its status;</li>
 *   <li>a plain {@code .parquet} with a {@code key} column, or a CSV ({@code .csv}, {@code .csv.gz} or any other
 *       name): one key per line, or a header naming a {@code key} column; keys are relative to {@code --input}, and
 *       each object's status (size, time, ETag) is read once on the driver (one request per key).</li>
 * </ul>
 * Rows whose object lies outside the input prefix are kept as entries; the plan refuses them per key. A plain
 * list's key without an object is refused here with its reason. The list is read on the driver, as a listing is.
 */
public final class InputList {

    /**
     * The objects of a list.
     *
     * @param entries the objects, by full URI
     * @param refused keys settled without work (named objects that do not exist)
     */
    public record Objects(List<HadoopFiles.Entry> entries, List<RemoveOutcome> refused) {}

    private InputList() {}

    /** Reads the list at {@code listUri} for the input prefix {@code inputRoot}. */
    public static Objects read(SparkSession spark, HadoopFiles files, String listUri, String inputRoot)
            throws IOException {
        String name = listUri.toLowerCase(Locale.ROOT);
        if (name.endsWith("manifest.json")) {
            return inventory(spark, files, listUri, inputRoot);
        }
        List<String> keys = name.endsWith(".parquet") ? parquetKeys(spark, listUri) : csvKeys(files, listUri);
        List<HadoopFiles.Entry> entries = new ArrayList<>();
        List<RemoveOutcome> refused = new ArrayList<>();
        for (String key : keys) {
            String uri = inputRoot + "/" + key;
            Path path = new Path(uri);
            try {
                FileStatus status = path.getFileSystem(files.configuration()).getFileStatus(path);
                entries.add(new HadoopFiles.Entry(
                        status.getPath().toString(),
                        status.getModificationTime(),
                        status.getLen(),
                        HadoopFiles.etag(status)));
            } catch (FileNotFoundException e) {
                refused.add(RemoveOutcome.failedKey(key, key + ": listed in --input-list but no such object"));
            } catch (IllegalArgumentException e) {
                refused.add(RemoveOutcome.failedKey(key, "refused: " + e.getMessage()));
            }
        }
        return new Objects(entries, refused);
    }

    private static Objects inventory(SparkSession spark, HadoopFiles files, String manifestUri, String inputRoot)
            throws IOException {
        InventoryManifest manifest = InventoryManifest.parse(manifestUri, files.read(manifestUri));
        String scheme = URI.create(files.qualified(inputRoot)).getScheme();
        List<HadoopFiles.Entry> entries = new ArrayList<>();
        for (InventoryManifest.DataFile file : manifest.files()) {
            String location = dataFileLocation(files, manifestUri, manifest, file);
            checkMd5(files, location, file);
            for (InventoryManifest.Row row : rows(spark, files, manifest, location)) {
                entries.add(new HadoopFiles.Entry(
                        scheme + "://" + row.bucket() + "/" + row.key(), row.modified(), row.size(), row.etag()));
            }
        }
        return new Objects(entries, List.of());
    }

    /**
     * Where a data file is: {@code <scheme>://<destination bucket>/<key>} on object stores; elsewhere (a local copy
     * of an inventory) {@code <folder>/<key>} for the nearest folder above the manifest that holds it.
     */
    static String dataFileLocation(
            HadoopFiles files, String manifestUri, InventoryManifest manifest, InventoryManifest.DataFile file)
            throws IOException {
        URI manifestLocation = URI.create(files.qualified(manifestUri));
        String scheme = manifestLocation.getScheme();
        if (manifestLocation.getAuthority() != null && !"file".equals(scheme)) {
            return scheme + "://" + manifest.destinationBucket() + "/" + file.key();
        }
        for (Path folder = new Path(manifestLocation).getParent(); folder != null; folder = folder.getParent()) {
            String candidate = folder.toString().replaceAll("/+$", "") + "/" + file.key();
            if (files.exists(candidate)) {
                return candidate;
            }
        }
        throw new FileNotFoundException(manifestUri + ": its data file " + file.key() + " is in no folder above it");
    }

    private static void checkMd5(HadoopFiles files, String location, InventoryManifest.DataFile file)
            throws IOException {
        if (file.md5().isEmpty()) {
            return;
        }
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has MD5", e);
        }
        try (InputStream in = new DigestInputStream(files.open(location), md5)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        String actual = HexFormat.of().formatHex(md5.digest());
        if (!actual.equals(file.md5())) {
            throw new IOException(location + ": MD5 " + actual + " differs from the manifest's " + file.md5()
                    + " (a changed or partly copied inventory file)");
        }
    }

    private static List<InventoryManifest.Row> rows(
            SparkSession spark, HadoopFiles files, InventoryManifest manifest, String location) throws IOException {
        List<InventoryManifest.Row> rows = new ArrayList<>();
        if ("CSV".equals(manifest.fileFormat())) {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(new GZIPInputStream(files.open(location)), StandardCharsets.UTF_8))) {
                int number = 0;
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    number++;
                    if (!line.isEmpty()) {
                        rows.add(manifest.parseCsvLine(line, location + " line " + number));
                    }
                }
            }
            return rows;
        }
        for (Row row : spark.read()
                .parquet(location)
                .select("bucket", "key", "size", "last_modified_date", "e_tag")
                .collectAsList()) {
            rows.add(new InventoryManifest.Row(
                    row.getString(0),
                    row.getString(1),
                    row.isNullAt(2) ? -1 : ((Number) row.get(2)).longValue(),
                    millis(row.get(3)),
                    row.isNullAt(4) ? null : row.getString(4)));
        }
        return rows;
    }

    /** A Parquet timestamp in ms: UTC-adjusted ones read as Timestamp, local ones as LocalDateTime (taken as UTC). */
    private static long millis(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.getTime();
        }
        if (value instanceof LocalDateTime local) {
            return local.toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        return -1;
    }

    private static List<String> parquetKeys(SparkSession spark, String uri) {
        return spark.read()
                .parquet(uri)
                .select("key")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    private static List<String> csvKeys(HadoopFiles files, String uri) throws IOException {
        List<String> keys = new ArrayList<>();
        InputStream raw = files.open(uri);
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(
                uri.toLowerCase(Locale.ROOT).endsWith(".gz") ? new GZIPInputStream(raw) : raw,
                StandardCharsets.UTF_8))) {
            String first = reader.readLine();
            if (first == null) {
                return keys;
            }
            List<String> header = csvHeader(first);
            int column = header.indexOf("key");
            if (column < 0) {
                keys.add(first);
            }
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty()) {
                    continue;
                }
                keys.add(column < 0 ? line : csvField(line, column, uri));
            }
        }
        return keys;
    }

    /** The lower-cased names of a first line, read as a header. */
    private static List<String> csvHeader(String line) {
        return InventoryManifest.csvFields(line).stream()
                .map(name -> name.trim().toLowerCase(Locale.ROOT))
                .toList();
    }

    private static String csvField(String line, int column, String uri) throws IOException {
        List<String> fields = InventoryManifest.csvFields(line);
        if (column >= fields.size()) {
            throw new IOException(uri + ": the line '" + line + "' has no key column");
        }
        return fields.get(column);
    }
}
