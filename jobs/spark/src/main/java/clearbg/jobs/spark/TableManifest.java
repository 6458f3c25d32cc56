package clearbg.jobs.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * An IngestJob table as the jobs that read it see it: the Parquet folder of its current version and the
 * content hash of that version, both from {@code manifest.json} at the table's root (the folder named relative to
 * it). A URI without a manifest is taken as a Parquet folder itself (content hash empty).
 *
 * @param parquet the Parquet folder to read
 * @param contentHash the manifest's {@code content_hash}, or "" when there is none
 */
public record TableManifest(String parquet, String contentHash) {

    /** Reads the manifest at {@code uri}'s root, or takes {@code uri} as the Parquet folder when it has none. */
    public static TableManifest open(HadoopFiles files, String uri) throws IOException {
        String root = uri.replaceAll("/+$", "");
        String manifest = root + "/manifest.json";
        if (!files.exists(manifest)) {
            return new TableManifest(root, "");
        }
        JsonNode json = new ObjectMapper().readTree(files.read(manifest));
        JsonNode table = json.get("table");
        if (table == null || !table.isTextual()) {
            throw new IOException(manifest + ": no \"table\" entry naming the Parquet folder");
        }
        return new TableManifest(
                resolve(root, table.asText()), json.path("content_hash").asText(""));
    }

    /**
     * A location the manifest names, resolved against the table's root: IngestJob writes them relative to the
     * manifest (so the manifest carries no URI and no credential in one); absolute ones, of older manifests, stay.
     */
    public static String resolve(String root, String named) {
        boolean absolute = named.startsWith("/") || named.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*");
        return absolute ? named : root.replaceAll("/+$", "") + "/" + named;
    }
}
