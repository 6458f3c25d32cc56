package clearbg.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads safetensors files (format: {@link SafetensorsFormat}). Supported dtypes: F32, F64, F16, BF16 (read as
 * {@link TensorType#FLOAT32}, F64 rounded to nearest) and I64, I32 (read as {@link TensorType#INT64}).
 *
 * <p>The header is validated as the format requires, before the buffer is read: its length is 1 to
 * {@link SafetensorsFormat#MAX_HEADER_BYTES} and, for a file, no more than the file holds after the length
 * prefix; every shape entry and offset is a non-negative integer; every tensor's byte range
 * {@code [begin, end)} spans exactly {@code product(shape) * dtype size} bytes (exact arithmetic, overflow is
 * an error); the ranges do not overlap and together cover the buffer with no gap; the buffer is at most
 * {@link #MAX_BUFFER_BYTES} (one Java array) and, with the decoded tensors, fits in the heap
 * ({@link HeapCheck}). For a file, the buffer must then be exactly the rest of the file. The buffer is read one
 * tensor at a time in offset order, so besides the decoded tensors only the largest tensor's bytes are held, and a
 * stream never allocates more than the header declares. Tensors keep
 * the order of the JSON header. Every failure is a {@link WeightsFormatException} naming the source.
 */
public final class SafetensorsReader {
    /** Largest buffer (all tensors' bytes): one Java byte array. */
    static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, DType> DTYPES = Map.of(
            "F32",
            DType.F32,
            "F64",
            DType.F64,
            "F16",
            DType.F16,
            "BF16",
            DType.BF16,
            "I64",
            DType.I64,
            "I32",
            DType.I32);
    private static final int SKIP_BUFFER_BYTES = 1 << 16;
    /** The size of a stream: not known. */
    private static final long UNKNOWN = -1;

    private SafetensorsReader() {}

    /** One tensor's header entry; {@code stride} is the contiguous layout of {@code shape}. */
    private record Entry(String name, DType dtype, long[] shape, long[] stride, long begin, long end) {}

    /** Reads every tensor of {@code file}; errors name the file. */
    public static StateDict read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Files.size(file), name -> true);
        }
    }

    /**
     * Reads every tensor from {@code in} to its end (the stream is not closed).
     *
     * @throws WeightsFormatException if the content is not a valid safetensors file with supported dtypes
     */
    public static StateDict read(InputStream in, String sourceName) throws IOException {
        return read(in, sourceName, UNKNOWN, name -> true);
    }

    /**
     * As {@link #read(Path)}, keeping only the tensors whose names {@code keep} accepts: the others are validated as
     * header entries and skipped unread, so they cost no memory (a checkpoint read as weights).
     */
    public static StateDict read(Path file, Predicate<String> keep) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Files.size(file), keep);
        }
    }

    /** As {@link #read(InputStream, String)}, keeping only the tensors whose names {@code keep} accepts. */
    public static StateDict read(InputStream in, String sourceName, Predicate<String> keep) throws IOException {
        return read(in, sourceName, UNKNOWN, keep);
    }

    private static StateDict read(InputStream in, String source, long fileSize, Predicate<String> keep)
            throws IOException {
        long headerLength = headerLength(in, source, fileSize);
        List<Entry> entries = entries(header(in, headerLength, source), source);
        long bufferBytes = bufferBytes(entries, source);
        long decoded = 0; // at most 2^34 bytes per tensor, fewer than 2^22 entries in a header: no overflow
        long largest = 0;
        for (Entry e : entries) {
            if (keep.test(e.name())) {
                decoded += HeapCheck.decodedBytes(
                        e.dtype().target(), (e.end() - e.begin()) / e.dtype().size());
                largest = Math.max(largest, e.end() - e.begin());
            }
        }
        HeapCheck.require(largest, decoded, source);
        if (fileSize != UNKNOWN) {
            checkBufferSize(bufferBytes, fileSize - SafetensorsFormat.LENGTH_BYTES - headerLength, source);
        }
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        Map<String, HostTensor> decodedByName = new HashMap<>();
        for (Entry e : byOffset) {
            if (keep.test(e.name())) {
                decodedByName.put(e.name(), readTensor(in, e, bufferBytes, source));
            } else {
                skipTensor(in, e, bufferBytes, source);
            }
        }
        checkBufferSize(bufferBytes, bufferBytes + in.transferTo(OutputStream.nullOutputStream()), source);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Entry e : entries) {
            if (keep.test(e.name())) {
                tensors.put(e.name(), decodedByName.get(e.name()));
            }
        }
        return StateDict.of(tensors);
    }

    /** Skips the next tensor of the buffer, failing as a truncated file when the input ends first. */
    private static void skipTensor(InputStream in, Entry e, long bufferBytes, String source) throws IOException {
        byte[] scratch = new byte[(int) Math.min(SKIP_BUFFER_BYTES, Math.max(1, e.end() - e.begin()))];
        long remaining = e.end() - e.begin();
        while (remaining > 0) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, remaining));
            if (n < 0) {
                checkBufferSize(bufferBytes, e.end() - remaining, source); // truncated: says what the file has
            }
            remaining -= n;
        }
    }

    /**
     * Reads and decodes the next tensor of the buffer: its bytes are read as they arrive (so a header that lies
     * about the size costs only what the stream really holds) and only one tensor's bytes are held at a time.
     */
    private static HostTensor readTensor(InputStream in, Entry e, long bufferBytes, String source) throws IOException {
        byte[] bytes = in.readNBytes((int) (e.end() - e.begin()));
        if (bytes.length < e.end() - e.begin()) {
            checkBufferSize(bufferBytes, e.begin() + bytes.length, source); // truncated: says what the file has
        }
        ByteBuffer data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return TensorDecoder.decode(data, e.dtype(), 0, e.shape(), e.stride(), source, "tensor '" + e.name() + "'");
    }

    /** The {@code __metadata__} map of {@code file} (empty if it has none), without reading the tensors. */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return metadata(in, file.toString(), Files.size(file));
        }
    }

    /**
     * The {@code __metadata__} map at the start of {@code in} (empty if it has none); reads the header only and
     * does not close the stream.
     */
    public static Map<String, String> readMetadata(InputStream in, String source) throws IOException {
        return metadata(in, source, UNKNOWN);
    }

    private static Map<String, String> metadata(InputStream in, String source, long fileSize) throws IOException {
        JsonNode metadata =
                header(in, headerLength(in, source, fileSize), source).path(SafetensorsFormat.METADATA_KEY);
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = metadata.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getValue().isTextual()) {
                throw new WeightsFormatException(source, "metadata value '" + f.getKey() + "' is not a string");
            }
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }

    /**
     * The header length N of the 8-byte little-endian prefix, checked: {@code 1 <= N <= MAX_HEADER_BYTES} and,
     * when the file size is known, {@code N <= size - 8}.
     */
    private static long headerLength(InputStream in, String source, long fileSize) throws IOException {
        byte[] prefix = in.readNBytes(SafetensorsFormat.LENGTH_BYTES);
        if (prefix.length < SafetensorsFormat.LENGTH_BYTES) {
            throw new WeightsFormatException(
                    source,
                    prefix.length == 0
                            ? "file is empty"
                            : "too short for a safetensors file (" + prefix.length + " bytes)");
        }
        long n = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n <= 0 || n > SafetensorsFormat.MAX_HEADER_BYTES) {
            throw new WeightsFormatException(
                    source,
                    "not a safetensors file: header length " + Long.toUnsignedString(n) + " is outside 1.."
                            + SafetensorsFormat.MAX_HEADER_BYTES);
        }
        if (fileSize != UNKNOWN && n > fileSize - SafetensorsFormat.LENGTH_BYTES) {
            throw new WeightsFormatException(
                    source,
                    "truncated safetensors header: the length prefix declares " + n + " bytes, the file has "
                            + (fileSize - SafetensorsFormat.LENGTH_BYTES) + " after it");
        }
        return n;
    }

    /** The JSON object of the next {@code length} bytes (read as they arrive, so a lying length costs nothing). */
    private static JsonNode header(InputStream in, long length, String source) throws IOException {
        byte[] json = in.readNBytes((int) length);
        if (json.length < length) {
            throw new WeightsFormatException(
                    source, "truncated safetensors header: " + json.length + " of " + length + " bytes");
        }
        JsonNode header;
        try {
            header = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new WeightsFormatException(
                    source, "safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new WeightsFormatException(source, "safetensors header is not a JSON object");
        }
        return header;
    }

    private static void checkBufferSize(long needed, long actual, String source) throws WeightsFormatException {
        if (actual < needed) {
            throw new WeightsFormatException(
                    source, "truncated: the header needs a " + needed + "-byte buffer, the " + "file has " + actual);
        }
        if (actual > needed) {
            throw new WeightsFormatException(source, (actual - needed) + " bytes after the last tensor");
        }
    }

    private static List<Entry> entries(JsonNode header, String source) throws WeightsFormatException {
        List<Entry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!f.getKey().equals(SafetensorsFormat.METADATA_KEY)) {
                entries.add(entry(f.getKey(), f.getValue(), source));
            }
        }
        return entries;
    }

    private static Entry entry(String name, JsonNode node, String source) throws WeightsFormatException {
        String what = "tensor '" + name + "'";
        JsonNode shapeNode = node.path("shape");
        JsonNode offsets = node.path("data_offsets");
        if (!node.path("dtype").isTextual()
                || !shapeNode.isArray()
                || !offsets.isArray()
                || offsets.size() != 2
                || !isLong(offsets.get(0))
                || !isLong(offsets.get(1))) {
            throw new WeightsFormatException(
                    source,
                    what + ": header entry needs dtype, shape and data_offsets " + "[begin, end] (integers), found "
                            + abbreviated(node.toString()));
        }
        DType dtype = DTYPES.get(node.get("dtype").asText());
        if (dtype == null) {
            throw new WeightsFormatException(
                    source,
                    what + " has unsupported dtype "
                            + abbreviated(node.get("dtype").asText()) + "; supported: " + DTYPES.keySet());
        }
        if (shapeNode.size() > TensorDecoder.MAX_RANK) {
            throw new WeightsFormatException(
                    source,
                    what + ": shape has " + shapeNode.size() + " dimensions, more than " + TensorDecoder.MAX_RANK);
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!isLong(shapeNode.get(i))) {
                throw new WeightsFormatException(
                        source, what + ": shape " + abbreviated(shapeNode.toString()) + " holds a " + "non-integer");
            }
            shape[i] = shapeNode.get(i).asLong();
        }
        long bytes = Math.multiplyExact(TensorDecoder.numel(shape, source, what), (long) dtype.size());
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end - begin != bytes) {
            throw new WeightsFormatException(
                    source,
                    what + ": data_offsets [" + begin + ", " + end + "] do not span " + bytes + " bytes as dtype "
                            + dtype + " and shape " + Arrays.toString(shape) + " require");
        }
        try {
            return new Entry(name, dtype, shape, TensorDecoder.contiguousStrides(shape), begin, end);
        } catch (ArithmeticException e) {
            throw new WeightsFormatException(
                    source, what + ": the strides of shape " + Arrays.toString(shape) + " overflow a long", e);
        }
    }

    private static boolean isLong(JsonNode n) {
        return n.isIntegralNumber() && n.canConvertToLong();
    }

    /** Header text for an error message, cut to 100 characters (a header may be 100 MB). */
    private static String abbreviated(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }

    /**
     * The buffer size the entries cover, {@code max(end)}: they must not overlap, must leave no gap, and may
     * cover at most {@link #MAX_BUFFER_BYTES}.
     */
    private static long bufferBytes(List<Entry> entries, String source) throws WeightsFormatException {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        for (Entry e : byOffset) {
            if (e.begin() < covered) {
                throw new WeightsFormatException(
                        source,
                        "tensor '" + e.name() + "' bytes [" + e.begin() + ", " + e.end()
                                + ") overlap the previous tensor, which ends at " + covered);
            }
            if (e.begin() > covered) {
                throw new WeightsFormatException(
                        source, "bytes [" + covered + ", " + e.begin() + ") of the buffer belong " + "to no tensor");
            }
            covered = e.end();
        }
        if (covered > MAX_BUFFER_BYTES) {
            throw new WeightsFormatException(
                    source,
                    "the header declares a " + covered + "-byte buffer, more than the " + MAX_BUFFER_BYTES
                            + " a reader holds");
        }
        return covered;
    }
}
