package clearbg.model.io;

import clearbg.model.io.TorchGlobals.StorageRef;
import clearbg.model.io.TorchGlobals.TensorRef;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a PyTorch state dict saved with {@code torch.save(model.state_dict(), f)} (PyTorch 1.6 and later, the
 * default zip format), with no Python at run time.
 *
 * <p>Format: a zip archive whose entries lie under one folder {@code <prefix>/}: {@code data.pkl} is a pickle
 * of the object tree in which each tensor is {@code torch._utils._rebuild_tensor_v2(storage, offset, size,
 * stride, ...)} and each storage a persistent id {@code ('storage', torch.<T>Storage, key, location, numel)};
 * the storage bytes are the record {@code data/<key>}, in the byte order named by the optional
 * {@code byteorder} record (little-endian when absent). Offsets and strides are honoured, so views
 * (transposed, sliced, sharing a storage) are read as contiguous row-major copies.
 *
 * <p>dtypes: float32, float64, float16 and bfloat16 are read as {@link TensorType#FLOAT32} (float64 rounded to
 * nearest); int64 and int32 as {@link TensorType#INT64}. Anything else (bool, int8, complex, ...) is a
 * {@link WeightsFormatException}.
 *
 * <p>Layout: checkpoints wrapping the state dict ({@code {"state_dict": sd, ...}} or {@code {"model": sd,
 * ...}}) are unwrapped, and a {@code "module."} prefix on every key (DataParallel) is removed; see
 * {@link CheckpointLayout}. The legacy non-zip format ({@code _use_new_zipfile_serialization=False}) is
 * rejected with a hint. Storage records are read one at a time, each once even when tensors share it.
 */
public final class PthReader {
  private static final Map<String, DType> STORAGE_TYPES = Map.of(
      "FloatStorage", DType.F32,
      "DoubleStorage", DType.F64,
      "HalfStorage", DType.F16,
      "BFloat16Storage", DType.BF16,
      "LongStorage", DType.I64,
      "IntStorage", DType.I32);
  private static final int PICKLE_PROTO = 0x80;

  private PthReader() {}

  /** Reads the state dict in {@code file}; errors name the file. */
  public static StateDict read(Path file) throws IOException {
    String source = file.toString();
    try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      checkMagic(in, source);
    }
    try (ZipRecords zip = ZipRecords.open(file, source)) {
      return read(zip, source);
    }
  }

  /**
   * Reads the state dict from {@code in} (not closed); {@code sourceName} names the source in error messages.
   * The stream is first copied to a temporary file (a zip archive is read through its central directory, at
   * its end), which is deleted afterwards.
   *
   * @throws WeightsFormatException if the stream is not a readable PyTorch zip checkpoint holding a state dict
   */
  public static StateDict read(InputStream in, String sourceName) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in);
    checkMagic(buffered, sourceName);
    Path copy = Files.createTempFile("clearbg-weights-", ".pth");
    try {
      Files.copy(buffered, copy, StandardCopyOption.REPLACE_EXISTING);
      try (ZipRecords zip = ZipRecords.open(copy, sourceName)) {
        return read(zip, sourceName);
      }
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  private static StateDict read(ZipRecords zip, String sourceName) throws IOException {
    Object root = TorchUnpickler.load(zip.pickle(), sourceName);
    ByteOrder order = byteOrder(zip.byteOrder(), sourceName);
    Map<String, ByteBuffer> storages = new HashMap<>();
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, TensorRef> e : CheckpointLayout.stateDict(root, sourceName).entrySet()) {
      TensorRef t = e.getValue();
      StorageRef s = t.storage();
      DType dtype = dtype(s, e.getKey(), sourceName);
      ByteBuffer bytes = storages.get(s.key());
      if (bytes == null) {
        bytes = storageBytes(zip, s, dtype, order, sourceName);
        storages.put(s.key(), bytes);
      }
      tensors.put(e.getKey(), TensorDecoder.decode(bytes, dtype, t.offset(), t.size(), t.stride(), sourceName,
          "tensor '" + e.getKey() + "'"));
    }
    return StateDict.of(tensors);
  }

  private static void checkMagic(BufferedInputStream in, String source) throws IOException {
    in.mark(4);
    byte[] head = in.readNBytes(4);
    in.reset();
    if (head.length == 0) {
      throw new WeightsFormatException(source, "file is empty");
    }
    if ((head[0] & 0xff) == PICKLE_PROTO) {
      throw new WeightsFormatException(source, "legacy (non-zip) PyTorch serialization is not supported; "
          + "re-save it with a current torch.save (the zip format is the default since PyTorch 1.6)");
    }
    if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
      throw new WeightsFormatException(source, "not a zip archive, so not a PyTorch checkpoint written by "
          + "torch.save (expected the bytes PK\\3\\4 at the start)");
    }
  }

  private static ByteOrder byteOrder(String record, String source) throws WeightsFormatException {
    if (record == null || record.equals("little")) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    if (record.equals("big")) {
      return ByteOrder.BIG_ENDIAN;
    }
    throw new WeightsFormatException(source, "unknown byteorder record '" + record + "'");
  }

  private static DType dtype(StorageRef s, String key, String source) throws WeightsFormatException {
    DType dtype = STORAGE_TYPES.get(s.storageClass());
    if (dtype == null) {
      throw new WeightsFormatException(source, "tensor '" + key + "' has unsupported dtype torch."
          + s.storageClass() + "; supported: " + STORAGE_TYPES.keySet());
    }
    return dtype;
  }

  private static ByteBuffer storageBytes(ZipRecords zip, StorageRef s, DType dtype, ByteOrder order,
      String source) throws IOException {
    byte[] bytes = zip.storage(s.key());
    if (bytes.length < s.numel() * dtype.size()) {
      throw new WeightsFormatException(source, "storage " + s.key() + " holds " + bytes.length + " bytes, "
          + "but " + s.numel() + " elements of " + dtype + " need " + s.numel() * dtype.size());
    }
    return ByteBuffer.wrap(bytes).order(order);
  }
}
