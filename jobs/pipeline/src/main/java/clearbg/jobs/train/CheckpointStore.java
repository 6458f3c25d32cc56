package clearbg.jobs.train;

import clearbg.jobs.files.FileStore;
import clearbg.model.io.HostTensor;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.io.StateDict;
import clearbg.model.io.Weights;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training checkpoints in a folder of a {@link FileStore} (any Hadoop file system, or the local disk): one
 * safetensors file per checkpoint, {@code step-<10-digit step>.safetensors}, holding the weights under their
 * state_dict names, Adam's state under {@code optimizer.} and {@link CheckpointInfo} as metadata. A file is
 * written whole or not at all ({@link FileStore#write}), so a reader never sees half a checkpoint; after a
 * write only the newest {@code keep} are kept. A checkpoint file also loads as weights anywhere weights are
 * read (the optimiser entries are ignored there).
 */
public final class CheckpointStore {

    private static final Pattern NAME = Pattern.compile("step-(\\d{10})\\.safetensors");

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
            throw new IOException("corrupt checkpoint " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the checkpoint at {@code uri}.
     *
     * @throws IOException naming the file when it is unreadable, truncated or not a training checkpoint
     */
    public TrainCheckpoint read(String uri) throws IOException {
        try {
            byte[] bytes = files.read(uri);
            Map<String, String> metadata;
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                metadata = SafetensorsReader.readMetadata(in, uri);
            }
            CheckpointInfo info = CheckpointInfo.fromMetadata(metadata, uri);
            StateDict all;
            try (InputStream in = new ByteArrayInputStream(bytes)) {
                all = SafetensorsReader.read(in, uri);
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
                    "corrupt checkpoint " + uri + ": " + e.getMessage()
                            + " (delete it to resume from the one before, or start afresh in another folder)",
                    e);
        }
    }

    /** Writes {@code checkpoint} atomically, then deletes all but the newest {@code keep}; returns its URI. */
    public String write(TrainCheckpoint checkpoint) throws IOException {
        Map<String, HostTensor> tensors =
                new LinkedHashMap<>(checkpoint.weights().asMap());
        tensors.putAll(checkpoint.optimizer().asMap());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SafetensorsWriter.write(StateDict.of(tensors), bytes, checkpoint.info().toMetadata());
        String uri = folder + "/"
                + String.format("step-%010d.safetensors", checkpoint.info().step());
        files.write(uri, bytes.toByteArray());
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
