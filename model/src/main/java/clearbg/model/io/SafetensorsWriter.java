package clearbg.model.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@link StateDict}, or a list of {@link TensorSource}s streamed one at a time, in the safetensors format
 * ({@link SafetensorsFormat}): FLOAT32 tensors as F32, INT64 as I64, in the given order, the JSON header padded
 * with spaces to a multiple of 8 bytes so the buffer is aligned, and the metadata (if any) under
 * {@code __metadata__}, its keys sorted (the same tensors and metadata always give the same bytes).
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_ELEMENTS = 1 << 14;

    private SafetensorsWriter() {}

    /**
     * Writes atomically: into a temporary file next to {@code file}, flushed to disk, then moved over
     * {@code file} with an atomic rename. On any failure the temporary file is removed and {@code file} is left
     * as it was.
     *
     * @param metadata string-to-string metadata (provenance, format, ...); {@code Map.of()} for none
     * @throws IllegalArgumentException if a tensor is called {@code __metadata__}
     */
    public static void write(StateDict weights, Path file, Map<String, String> metadata) throws IOException {
        AtomicFile.write(file, out -> write(weights, out, metadata));
    }

    /** Writes the file's bytes to {@code out}, which is neither flushed nor closed. */
    public static void write(StateDict weights, OutputStream out, Map<String, String> metadata) throws IOException {
        write(TensorSource.of(weights), out, metadata);
    }

    /**
     * Writes the file's bytes to {@code out} (neither flushed nor closed), asking each source for its values only
     * when its turn comes, so that no more than one tensor's values need to be held beside the sources.
     *
     * @throws IllegalArgumentException if a tensor is called {@code __metadata__} or its values do not have the
     *     declared type and shape
     */
    public static void write(List<TensorSource> tensors, OutputStream out, Map<String, String> metadata)
            throws IOException {
        byte[] header = header(tensors, metadata);
        ByteBuffer length = ByteBuffer.allocate(SafetensorsFormat.LENGTH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        out.write(length.putLong(header.length).array());
        out.write(header);
        for (TensorSource t : tensors) {
            writeData(t, out);
        }
    }

    /**
     * The SHA-256 (lower-case hex) of the data section {@link #write} writes for {@code weights}: the tensors'
     * bytes after the header, in the file's order. Equal to {@link SafetensorsDigest#ofDataSection} of the written
     * file, whatever its metadata, so a file can carry the digest of its own tensors.
     */
    public static String dataSha256(StateDict weights) {
        return dataSha256(TensorSource.of(weights));
    }

    /** As {@link #dataSha256(StateDict)}, one source at a time. */
    public static String dataSha256(List<TensorSource> tensors) {
        MessageDigest digest = SafetensorsDigest.newDigest();
        try (DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), digest)) {
            for (TensorSource t : tensors) {
                writeData(t, out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("a digest of memory cannot fail to write", e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static byte[] header(List<TensorSource> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafetensorsFormat.METADATA_KEY);
            new TreeMap<>(metadata).forEach(meta::put); // sorted: the same weights give the same bytes
        }
        long offset = 0;
        for (TensorSource t : tensors) {
            if (t.name().equals(SafetensorsFormat.METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor may not be called " + SafetensorsFormat.METADATA_KEY);
            }
            long bytes = t.numel() * (t.type() == TensorType.FLOAT32 ? Float.BYTES : Long.BYTES);
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", t.type() == TensorType.FLOAT32 ? "F32" : "I64");
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(root);
        int padded = (json.length + SafetensorsFormat.ALIGNMENT - 1)
                / SafetensorsFormat.ALIGNMENT
                * SafetensorsFormat.ALIGNMENT;
        byte[] header = Arrays.copyOf(json, padded);
        Arrays.fill(header, json.length, padded, (byte) ' ');
        return header;
    }

    private static void writeData(TensorSource source, OutputStream out) throws IOException {
        HostTensor t = source.values().get();
        if (t.type() != source.type() || !Arrays.equals(t.shape(), source.shape())) {
            throw new IllegalArgumentException("tensor '" + source.name() + "' was declared " + source.type() + " "
                    + Arrays.toString(source.shape()) + " but holds " + t.type() + " " + Arrays.toString(t.shape()));
        }
        int elementBytes = t.type() == TensorType.FLOAT32 ? Float.BYTES : Long.BYTES;
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_ELEMENTS * elementBytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = (int) t.numel();
        for (int from = 0; from < n; from += CHUNK_ELEMENTS) {
            int count = Math.min(CHUNK_ELEMENTS, n - from);
            chunk.clear();
            if (t.type() == TensorType.FLOAT32) {
                chunk.asFloatBuffer().put(t.floats(), from, count);
            } else {
                chunk.asLongBuffer().put(t.longs(), from, count);
            }
            out.write(chunk.array(), 0, count * elementBytes);
        }
    }
}
