package clearbg.jobs.remove;

import clearbg.jobs.files.FileStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A run's manifest, {@code _reports/<run-id>/manifest.json} under the output prefix: the run id and every report and
 * record file the run wrote, each with its key (relative to the output prefix), size in bytes and SHA-256, as S3
 * Batch Operations' manifest names its completion report files. Written last, so its presence says the run's report
 * and records are complete; a consumer checks each file against it.
 *
 * <pre>
 * {"run_id": "r1", "files": [{"key": "_reports/r1/summary.json", "size": 1234, "sha256": "..."}, ...]}
 * </pre>
 */
public final class RunManifest {

    /** The manifest's name inside the run's report folder. */
    public static final String NAME = "manifest.json";

    /**
     * One file named by a manifest.
     *
     * @param key its key under the output prefix
     * @param size its size in bytes
     * @param sha256 the SHA-256 of its bytes
     */
    public record Entry(String key, long size, String sha256) {}

    private RunManifest() {}

    /** The manifest's entry for the file {@code root + "/" + key}, read once, streamed. */
    public static Entry entry(FileStore store, String root, String key) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        long size = 0;
        try (InputStream in = new DigestInputStream(store.open(root + "/" + key), digest)) {
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                size += n;
            }
        }
        return new Entry(key, size, HexFormat.of().formatHex(digest.digest()));
    }

    /**
     * Writes the manifest of run {@code runId} to {@code root/_reports/<runId>/manifest.json}, naming {@code keys}
     * (files under {@code root}), and returns its entries.
     */
    public static List<Entry> write(FileStore store, String root, String reportsFolder, String runId, List<String> keys)
            throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String key : keys) {
            entries.add(entry(store, root, key));
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode manifest = json.createObjectNode();
        manifest.put("run_id", runId);
        ArrayNode files = manifest.putArray("files");
        for (Entry entry : entries) {
            files.addObject().put("key", entry.key()).put("size", entry.size()).put("sha256", entry.sha256());
        }
        store.write(
                root + "/" + reportsFolder + "/" + runId + "/" + NAME,
                json.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
        return entries;
    }

    /** The entries of the manifest at {@code location}. */
    public static List<Entry> read(FileStore store, String location) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (var file : new ObjectMapper().readTree(store.read(location)).path("files")) {
            entries.add(new Entry(
                    file.path("key").asText(),
                    file.path("size").asLong(),
                    file.path("sha256").asText()));
        }
        return entries;
    }
}
