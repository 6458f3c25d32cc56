package clearbg.model.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads safetensors files (format: {@link SafetensorsFormat}). Supported dtypes: F32, F64, F16, BF16 (read as
 * {@link TensorType#FLOAT32}, F64 rounded to nearest) and I64, I32 (read as {@link TensorType#INT64}).
 *
 * <p>The header is validated as the format requires: every tensor's byte range must match its dtype and shape,
 * lie inside the buffer, not overlap another, and together the ranges must cover the buffer with no gap and
 * nothing after it (which also catches truncated files). Tensors keep the order of the JSON header.
 */
public final class SafetensorsReader {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, DType> DTYPES = Map.of(
      "F32", DType.F32, "F64", DType.F64, "F16", DType.F16, "BF16", DType.BF16, "I64", DType.I64, "I32", DType.I32);

  private SafetensorsReader() {}

  /** One tensor's header entry. */
  private record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

  /** Reads every tensor of {@code file}; errors name the file. */
  public static StateDict read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads every tensor from {@code in} to its end (the stream is not closed).
   *
   * @throws WeightsFormatException if the content is not a valid safetensors file with supported dtypes
   */
  public static StateDict read(InputStream in, String sourceName) throws IOException {
    JsonNode header = readHeader(in, sourceName);
    List<Entry> entries = entries(header, sourceName);
    byte[] buffer = in.readAllBytes();
    checkCoverage(entries, buffer.length, sourceName);
    ByteBuffer data = ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (Entry e : entries) {
      ByteBuffer slice = data.slice((int) e.begin(), (int) (e.end() - e.begin())).order(ByteOrder.LITTLE_ENDIAN);
      tensors.put(e.name(), TensorDecoder.decode(slice, e.dtype(), 0, e.shape(),
          TensorDecoder.contiguousStrides(e.shape()), sourceName, "tensor '" + e.name() + "'"));
    }
    return StateDict.of(tensors);
  }

  /** The {@code __metadata__} map of {@code file} (empty if it has none), without reading the tensors. */
  public static Map<String, String> readMetadata(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return readMetadata(in, file.toString());
    }
  }

  /**
   * The {@code __metadata__} map at the start of {@code in} (empty if it has none); reads the header only and
   * does not close the stream.
   */
  public static Map<String, String> readMetadata(InputStream in, String source) throws IOException {
    JsonNode metadata = readHeader(in, source).path(SafetensorsFormat.METADATA_KEY);
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

  private static JsonNode readHeader(InputStream in, String source) throws IOException {
    byte[] prefix = in.readNBytes(SafetensorsFormat.LENGTH_BYTES);
    if (prefix.length < SafetensorsFormat.LENGTH_BYTES) {
      throw new WeightsFormatException(source, prefix.length == 0 ? "file is empty"
          : "too short for a safetensors file (" + prefix.length + " bytes)");
    }
    long n = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (n <= 0 || n > SafetensorsFormat.MAX_HEADER_BYTES) {
      throw new WeightsFormatException(source, "not a safetensors file: header length " + Long.toUnsignedString(n)
          + " is outside 1.." + SafetensorsFormat.MAX_HEADER_BYTES);
    }
    byte[] json = in.readNBytes((int) n);
    if (json.length < n) {
      throw new WeightsFormatException(source, "truncated safetensors header: " + json.length + " of " + n + " bytes");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(json, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new WeightsFormatException(source, "safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (header == null || !header.isObject()) {
      throw new WeightsFormatException(source, "safetensors header is not a JSON object");
    }
    return header;
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
    if (!node.path("dtype").isTextual() || !shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2
        || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
      throw new WeightsFormatException(source, what + ": header entry needs dtype, shape and data_offsets "
          + "[begin, end], found " + node);
    }
    DType dtype = DTYPES.get(node.get("dtype").asText());
    if (dtype == null) {
      throw new WeightsFormatException(source, what + " has unsupported dtype " + node.get("dtype").asText()
          + "; supported: " + DTYPES.keySet());
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
        throw new WeightsFormatException(source, what + ": invalid shape " + shapeNode);
      }
      shape[i] = shapeNode.get(i).asLong();
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    long bytes;
    try {
      bytes = Math.multiplyExact(HostTensor.numel(shape), dtype.size());
    } catch (ArithmeticException e) {
      throw new WeightsFormatException(source, what + ": shape " + shapeNode + " is too large", e);
    }
    if (begin < 0 || end < begin || end - begin != bytes) {
      throw new WeightsFormatException(source, what + ": data_offsets [" + begin + ", " + end + "] do not span "
          + bytes + " bytes as dtype " + dtype + " and shape " + shapeNode + " require");
    }
    return new Entry(name, dtype, shape, begin, end);
  }

  private static void checkCoverage(List<Entry> entries, long bufferBytes, String source)
      throws WeightsFormatException {
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    long covered = 0;
    for (Entry e : byOffset) {
      if (e.begin() < covered) {
        throw new WeightsFormatException(source, "tensor '" + e.name() + "' bytes [" + e.begin() + ", " + e.end()
            + ") overlap the previous tensor, which ends at " + covered);
      }
      if (e.begin() > covered) {
        throw new WeightsFormatException(source, "bytes [" + covered + ", " + e.begin() + ") of the buffer belong "
            + "to no tensor");
      }
      covered = e.end();
    }
    if (covered > bufferBytes) {
      throw new WeightsFormatException(source, "truncated: the header needs a " + covered + "-byte buffer, the "
          + "file has " + bufferBytes);
    }
    if (covered < bufferBytes) {
      throw new WeightsFormatException(source, (bufferBytes - covered) + " bytes after the last tensor");
    }
  }
}
