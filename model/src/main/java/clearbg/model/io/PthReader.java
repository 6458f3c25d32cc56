package clearbg.model.io;

import clearbg.model.io.TorchGlobals.StorageRef;
import clearbg.model.io.TorchGlobals.TensorRef;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *
 * <p>Untrusted files: nothing in the file is executed (the pickle may only name the globals of
 * {@link TorchGlobals}); every size it declares is checked with exact arithmetic against a limit before
 * anything is allocated or inflated ({@link ZipRecords}, {@link TorchUnpickler}, {@link TensorDecoder}); the
 * storages plus the decoded tensors must fit in the JVM's maximum heap, checked before any storage is read.
 * Every failure is a {@link WeightsFormatException} whose message starts with the file name.
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
        return read(file, Long.MAX_VALUE);
    }

    /**
     * Reads the state dict in {@code file}, refusing before any storage is read a tensor or storage that declares
     * more than {@code maxElements} elements (a small file can declare a huge deflated storage).
     */
    public static StateDict read(Path file, long maxElements) throws IOException {
        String source = file.toString();
        try (BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            checkMagic(in, source);
        }
        try (ZipRecords zip = ZipRecords.open(file, source)) {
            return read(zip, source, maxElements);
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
            copyAtMost(buffered, copy, ZipRecords.MAX_ARCHIVE_BYTES, sourceName);
            try (ZipRecords zip = ZipRecords.open(copy, sourceName)) {
                return read(zip, sourceName, Long.MAX_VALUE);
            }
        } finally {
            Files.deleteIfExists(copy);
        }
    }

    /** Copies {@code in} to {@code file}, refusing a stream longer than {@code limit} after reading just past it. */
    private static void copyAtMost(InputStream in, Path file, long limit, String source) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            long copied = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                copied += n;
                if (copied > limit) {
                    throw new WeightsFormatException(source, "archive is larger than the limit of " + limit + " bytes");
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static StateDict read(ZipRecords zip, String sourceName, long maxElements) throws IOException {
        Object root = TorchUnpickler.load(zip.pickle(), sourceName);
        ByteOrder order = byteOrder(zip.byteOrder(), sourceName);
        Map<String, TensorRef> refs = CheckpointLayout.stateDict(root, sourceName);
        if (maxElements < Long.MAX_VALUE) {
            requireWithin(refs, maxElements, sourceName);
        }
        Map<String, Long> storageBytes = storageBytes(refs, sourceName);
        checkHeap(refs, storageBytes, sourceName);
        Map<String, ByteBuffer> storages = new HashMap<>();
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            TensorRef t = e.getValue();
            String key = t.storage().key();
            ByteBuffer bytes = storages.get(key);
            if (bytes == null) {
                bytes = ByteBuffer.wrap(zip.storage(key, storageBytes.get(key))).order(order);
                storages.put(key, bytes);
            }
            tensors.put(
                    e.getKey(),
                    TensorDecoder.decode(
                            bytes,
                            dtype(t.storage(), e.getKey(), sourceName),
                            t.offset(),
                            t.size(),
                            t.stride(),
                            sourceName,
                            "tensor '" + e.getKey() + "'"));
        }
        return StateDict.of(tensors);
    }

    /** Refuses a tensor or its storage declaring more than {@code maxElements} elements, before any is read. */
    private static void requireWithin(Map<String, TensorRef> refs, long maxElements, String source)
            throws WeightsFormatException {
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            long declared = Math.max(
                    e.getValue().storage().numel(),
                    TensorDecoder.numel(e.getValue().size(), source, "tensor '" + e.getKey() + "'"));
            if (declared > maxElements) {
                throw new WeightsFormatException(
                        source,
                        "tensor '" + e.getKey() + "' declares " + declared + " elements, more than the " + maxElements
                                + " of the largest tensor of any known architecture");
            }
        }
    }

    /**
     * The bytes of each storage record, {@code numel * element size}, checked before any is read: every tensor's
     * dtype is supported, every size is exact and at most {@link ZipRecords#MAX_STORAGE_BYTES}, and tensors that
     * share a storage agree on its size.
     */
    private static Map<String, Long> storageBytes(Map<String, TensorRef> refs, String source)
            throws WeightsFormatException {
        Map<String, Long> bytes = new HashMap<>();
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            StorageRef s = e.getValue().storage();
            DType dtype = dtype(s, e.getKey(), source);
            if (s.numel() < 0 || s.numel() > ZipRecords.MAX_STORAGE_BYTES / dtype.size()) {
                throw new WeightsFormatException(
                        source,
                        "storage " + s.key() + " of tensor '" + e.getKey() + "' declares "
                                + s.numel() + " elements of " + dtype + "; a storage holds 0 to "
                                + ZipRecords.MAX_STORAGE_BYTES
                                + " bytes");
            }
            long size = s.numel() * dtype.size();
            Long previous = bytes.putIfAbsent(s.key(), size);
            if (previous != null && previous != size) {
                throw new WeightsFormatException(
                        source,
                        "storage " + s.key() + " is declared with " + previous + " bytes and, by tensor '" + e.getKey()
                                + "', with " + size);
            }
        }
        return bytes;
    }

    /** {@link HeapCheck}: the storages plus the decoded tensors, before any storage is read. */
    private static void checkHeap(Map<String, TensorRef> refs, Map<String, Long> storageBytes, String source)
            throws WeightsFormatException {
        long decoded = 0; // at most 2^21 tensors (PickleStack) of at most 2^34 bytes each: no overflow
        for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
            TensorRef t = e.getValue();
            long numel = TensorDecoder.numel(t.size(), source, "tensor '" + e.getKey() + "'");
            decoded += HeapCheck.decodedBytes(
                    dtype(t.storage(), e.getKey(), source).target(), numel);
        }
        HeapCheck.require(
                storageBytes.values().stream().mapToLong(Long::longValue).sum(), decoded, source);
    }

    private static void checkMagic(BufferedInputStream in, String source) throws IOException {
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        if (head.length == 0) {
            throw new WeightsFormatException(source, "file is empty");
        }
        if ((head[0] & 0xff) == PICKLE_PROTO) {
            throw new WeightsFormatException(
                    source,
                    "legacy (non-zip) PyTorch serialization is not supported; "
                            + "re-save it with a current torch.save (the zip format is the default since PyTorch 1.6)");
        }
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4) {
            throw new WeightsFormatException(
                    source,
                    "not a zip archive, so not a PyTorch checkpoint written by "
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
            throw new WeightsFormatException(
                    source,
                    "tensor '" + key + "' has unsupported dtype torch." + s.storageClass() + "; supported: "
                            + STORAGE_TYPES.keySet());
        }
        return dtype;
    }
}
