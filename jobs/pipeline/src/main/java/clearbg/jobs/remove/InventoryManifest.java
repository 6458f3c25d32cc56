package clearbg.jobs.remove;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An S3 Inventory {@code manifest.json}: the source bucket, the destination bucket (an ARN
 * {@code arn:aws:s3:::NAME} or a name), the data files' format ({@code CSV} or {@code Parquet}; ORC is refused), the
 * schema of the CSV rows ({@code fileSchema}, e.g. {@code Bucket, Key, Size, LastModifiedDate, ETag}) and the data
 * files ({@code files}: key under the destination bucket, size, MD5 of the file). CSV data files are gzipped, have
 * no header, and hold URL-encoded keys; {@link #parseCsvLine} reads one of their rows.
 *
 * @param sourceBucket the inventoried bucket
 * @param destinationBucket the bucket that holds the data files (the name, without the ARN prefix)
 * @param fileFormat CSV or Parquet
 * @param fileSchema the CSV columns in order
 * @param files the data files
 */
public record InventoryManifest(
        String sourceBucket,
        String destinationBucket,
        String fileFormat,
        List<String> fileSchema,
        List<DataFile> files) {

    /**
     * One data file of the inventory.
     *
     * @param key its key in the destination bucket
     * @param size its size in bytes
     * @param md5 the MD5 of its bytes (hex)
     */
    public record DataFile(String key, long size, String md5) {}

    /**
     * One inventoried object.
     *
     * @param bucket its bucket
     * @param key its key (decoded)
     * @param size its size, or -1 when the inventory has no Size column
     * @param modified its modification time (ms), or -1 when the inventory has no LastModifiedDate column
     * @param etag its ETag, or null when the inventory has none
     */
    public record Row(String bucket, String key, long size, long modified, String etag) {}

    public InventoryManifest {
        fileSchema = List.copyOf(fileSchema);
        files = List.copyOf(files);
    }

    /**
     * Parses a manifest.
     *
     * @param name the manifest's location, for messages
     * @throws IOException naming it when it is not an inventory manifest of a supported format
     */
    public static InventoryManifest parse(String name, byte[] json) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IOException(name + ": not a JSON S3 Inventory manifest: " + e.getMessage(), e);
        }
        String format = root.path("fileFormat").asText("");
        if (!format.equalsIgnoreCase("CSV") && !format.equalsIgnoreCase("Parquet")) {
            throw new IOException(
                    name + ": fileFormat '" + format + "' is not supported (CSV or Parquet inventories only)");
        }
        if (!root.path("files").isArray()
                || root.path("sourceBucket").asText("").isEmpty()) {
            throw new IOException(name + ": an S3 Inventory manifest needs sourceBucket and a files array");
        }
        List<String> schema = new ArrayList<>();
        for (String column : root.path("fileSchema").asText("").split(",")) {
            if (!column.isBlank()) {
                schema.add(column.trim());
            }
        }
        if (format.equalsIgnoreCase("CSV") && !schema.contains("Key")) {
            throw new IOException(
                    name + ": fileSchema '" + root.path("fileSchema").asText("") + "' has no Key");
        }
        List<DataFile> files = new ArrayList<>();
        for (JsonNode file : root.path("files")) {
            files.add(new DataFile(
                    file.path("key").asText(),
                    file.path("size").asLong(-1),
                    file.path("MD5checksum").asText("").toLowerCase(Locale.ROOT)));
        }
        String destination = root.path("destinationBucket").asText("");
        return new InventoryManifest(
                root.path("sourceBucket").asText(),
                destination.substring(destination.lastIndexOf(':') + 1),
                format.equalsIgnoreCase("CSV") ? "CSV" : "Parquet",
                schema,
                files);
    }

    /**
     * One row of a CSV data file: quoted or bare fields separated by commas (a doubled quote inside quotes is a
     * quote), in {@link #fileSchema()} order; the key is URL-decoded.
     *
     * @throws IOException naming {@code where} when the row does not have the schema's columns
     */
    public Row parseCsvLine(String line, String where) throws IOException {
        List<String> fields = csvFields(line);
        if (fields.size() < fileSchema.size()) {
            throw new IOException(
                    where + ": " + fields.size() + " fields where the manifest's fileSchema has " + fileSchema.size());
        }
        String bucket = field(fields, "Bucket");
        String key = URLDecoder.decode(field(fields, "Key"), StandardCharsets.UTF_8);
        String size = field(fields, "Size");
        String modified = field(fields, "LastModifiedDate");
        String etag = field(fields, "ETag");
        try {
            return new Row(
                    bucket == null ? sourceBucket : bucket,
                    key,
                    size == null || size.isEmpty() ? -1 : Long.parseLong(size),
                    modified == null || modified.isEmpty()
                            ? -1
                            : Instant.parse(modified).toEpochMilli(),
                    etag == null || etag.isEmpty() ? null : etag);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IOException(where + ": unreadable Size or LastModifiedDate: " + e.getMessage(), e);
        }
    }

    private String field(List<String> fields, String column) {
        int index = fileSchema.indexOf(column);
        return index < 0 ? null : fields.get(index);
    }

    /** The fields of one CSV line (RFC 4180 quoting). */
    public static List<String> csvFields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
