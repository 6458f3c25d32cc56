package clearbg.jobs.train;

import clearbg.jobs.files.FileStore;
import clearbg.jobs.files.LocationRedaction;
import clearbg.model.io.HostTensor;
import clearbg.model.io.SafetensorsDigest;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.io.StateDict;
import clearbg.model.io.TensorSource;
import clearbg.model.io.Weights;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training checkpoints in a folder of a {@link FileStore} (any Hadoop file system, or the local disk): one
 * safetensors file per checkpoint, {@code step-<10-digit step>.safetensors}, holding the weights under their
 * state_dict names, Adam's state under {@code optimizer.} and {@link CheckpointInfo} as metadata. A file is
 * written whole or not at all ({@link FileStore#write}), so a reader never sees half a checkpoint; after a
 * write only the newest {@code keep} are kept. Each carries the SHA-256 of its tensors' bytes in its metadata
 * ({@value #DATA_SHA256}), checked whenever it is read, so a corrupt checkpoint is never trained on. A checkpoint
 * file also loads as weights anywhere weights are read (the optimiser entries are ignored there).
 */
public final class CheckpointStore {

    private static final Pattern NAME = Pattern.compile("step-(\\d{10})\\.safetensors");

    /** The metadata key of the SHA-256 of the checkpoint's data section (its tensors' bytes). */
    static final String DATA_SHA256 = "data_sha256";

    /** The suffix a corrupt checkpoint is renamed with: kept for inspection, no longer a checkpoint. */
    static final String CORRUPT_SUFFIX = ".corrupt";

    private final FileStore files;
    private final String folder;
    private final int keep;

    /**
     * @param folder the checkpoint folder URI
     * @param keep how many checkpoints to keep (at least 1)
     */
    public CheckpointStore(FileStore files, String folder, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
        }
        this.files = files;
        this.folder = folder.replaceAll("/+$", "");
        this.keep = keep;
    }

    /** The URI of the newest checkpoint (highest step), if there is one. */
    public Optional<String> latest() throws IOException {
        List<String> all = checkpoints();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Reads only the metadata of the checkpoint at {@code uri} (the header, not the tensors). */
    public CheckpointInfo readInfo(String uri) throws IOException {
        try (InputStream in = files.open(uri)) {
            return CheckpointInfo.fromMetadata(SafetensorsReader.readMetadata(in, uri), uri);
        } catch (IllegalArgumentException e) {
            throw new IOException(
                    "corrupt checkpoint " + LocationRedaction.withoutSecrets(uri) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the checkpoint at {@code uri}.
     *
     * @throws IOException naming the file when it is unreadable, truncated or not a training checkpoint
     */
    public TrainCheckpoint read(String uri) throws IOException {
        return read(uri, name -> true);
    }

    /**
     * Reads only the weights of the checkpoint at {@code uri} (its optimiser entries are skipped unread, so they
     * cost no memory); the result's optimiser state is empty.
     *
     * @throws IOException as {@link #read(String)}
     */
    public TrainCheckpoint readWeights(String uri) throws IOException {
        return read(uri, name -> !name.startsWith(Weights.OPTIMIZER_PREFIX));
    }

    private TrainCheckpoint read(String uri, Predicate<String> keep) throws IOException {
        try {
            CheckpointInfo info = verifiedInfo(uri); // a first pass in constant memory: never train on a corrupt file
            StateDict all;
            try (InputStream in = new BufferedInputStream(files.open(uri), 1 << 16)) {
                all = SafetensorsReader.read(in, uri, keep);
            }
            Map<String, HostTensor> optimizer = new LinkedHashMap<>();
            all.asMap().forEach((key, tensor) -> {
                if (key.startsWith(Weights.OPTIMIZER_PREFIX)) {
                    optimizer.put(key, tensor);
                }
            });
            return new TrainCheckpoint(info, all.withoutPrefix(Weights.OPTIMIZER_PREFIX), StateDict.of(optimizer));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(
                    "corrupt checkpoint " + LocationRedaction.withoutSecrets(uri) + ": " + e.getMessage()
                            + " (delete it to resume from the one before, or start afresh in another folder)",
                    e);
        }
    }

    /**
     * Reads the checkpoint at {@code uri} as a stream, in constant memory, and checks its tensors against the
     * SHA-256 in its metadata; returns its metadata.
     *
     * @throws IOException naming the file when it is unreadable, truncated, not a training checkpoint or when its
     *     tensors do not match their digest
     */
    public CheckpointInfo verify(String uri) throws IOException {
        try {
            return verifiedInfo(uri);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException(
                    "corrupt checkpoint " + LocationRedaction.withoutSecrets(uri) + ": " + e.getMessage(), e);
        }
    }

    private CheckpointInfo verifiedInfo(String uri) throws IOException {
        try (InputStream in = new BufferedInputStream(files.open(uri), 1 << 16)) {
            Map<String, String> metadata = SafetensorsReader.readMetadata(in, uri);
            CheckpointInfo info = CheckpointInfo.fromMetadata(metadata, uri);
            checkDigest(metadata, SafetensorsDigest.ofDataSection(in));
            return info;
        }
    }

    /**
     * The newest checkpoint that {@link #verify verifies}. Each newer one that does not is renamed with the suffix
     * {@value #CORRUPT_SUFFIX} (kept for inspection; {@link #latest()} no longer lists it), with a warning naming it
     * and the reason on {@code log}; a training then resumes from the one before.
     */
    public Optional<CheckpointInfo> newestIntact(PrintStream log) throws IOException {
        List<String> all = checkpoints();
        for (int i = all.size() - 1; i >= 0; i--) {
            String uri = all.get(i);
            try {
                return Optional.of(verify(uri));
            } catch (IOException e) {
                String aside = uri + CORRUPT_SUFFIX;
                files.rename(uri, aside);
                log.println("TrainJob: warning: " + e.getMessage() + "; set aside as "
                        + LocationRedaction.withoutSecrets(aside)
                        + (i > 0
                                ? ", resuming from " + LocationRedaction.withoutSecrets(all.get(i - 1))
                                : ", starting afresh"));
            }
        }
        return Optional.empty();
    }

    private static void checkDigest(Map<String, String> metadata, String actual) throws IOException {
        String expected = metadata.get(DATA_SHA256);
        if (expected != null && !expected.equals(actual)) {
            throw new IOException("its tensors do not match the SHA-256 in its header (expected " + expected
                    + ", found " + actual + ")");
        }
    }

    /** Writes {@code checkpoint} atomically, then deletes all but the newest {@code keep}; returns its URI. */
    public String write(TrainCheckpoint checkpoint) throws IOException {
        List<TensorSource> tensors = new ArrayList<>(TensorSource.of(checkpoint.weights()));
        tensors.addAll(TensorSource.of(checkpoint.optimizer()));
        return write(checkpoint.info(), tensors);
    }

    /**
     * Writes a checkpoint of {@code tensors} (weights, then the optimiser's entries) with {@code info} atomically,
     * streamed one tensor at a time (two passes: the digest for the header, then the file), so that besides the
     * sources no more than one tensor is held; then deletes all but the newest {@code keep}; returns its URI.
     */
    public String write(CheckpointInfo info, List<TensorSource> tensors) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(info.toMetadata());
        metadata.put(DATA_SHA256, SafetensorsWriter.dataSha256(tensors));
        String uri = folder + "/" + String.format("step-%010d.safetensors", info.step());
        files.write(uri, out -> SafetensorsWriter.write(tensors, out, metadata));
        List<String> all = checkpoints();
        for (String old : all.subList(0, Math.max(0, all.size() - keep))) {
            files.delete(old);
        }
        return uri;
    }

    /** The checkpoint files in the folder, oldest first. */
    private List<String> checkpoints() throws IOException {
        if (!files.exists(folder)) {
            return List.of();
        }
        List<String> found = new ArrayList<>();
        for (String uri : files.listFiles(folder)) {
            Matcher matcher = NAME.matcher(uri.substring(uri.lastIndexOf('/') + 1));
            if (matcher.matches()) {
                found.add(uri);
            }
        }
        found.sort(null);
        return found;
    }
}
