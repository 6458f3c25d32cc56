package clearbg.model.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state_dict as {@code torch.save(state_dict, f)} does (the zip format of PyTorch 1.6 and
 * later), so that {@code torch.load(f, weights_only=True)} reads it back:
 *
 * <pre>
 *   archive/data.pkl   pickle of OrderedDict{name: _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())}
 *                      where storage is the persistent id ('storage', FloatStorage|LongStorage, key, 'cpu', numel)
 *   archive/byteorder  "little"
 *   archive/data/KEY   the raw little-endian values of storage KEY (one storage per tensor, keys 0, 1, ...)
 *   archive/version    "3"
 * </pre>
 *
 * Entries are stored uncompressed, as PyTorch writes them. Tensors are contiguous (row-major strides).
 */
public final class PthWriter {

    static final String ARCHIVE = "archive";

    private PthWriter() {}

    /** Writes {@code weights} to {@code file} atomically (see {@link AtomicFile}). */
    public static void write(StateDict weights, Path file) throws IOException {
        AtomicFile.write(file, out -> write(weights, out));
    }

    /** Writes the zip to {@code out}, which is finished but not closed. */
    public static void write(StateDict weights, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        stored(zip, ARCHIVE + "/data.pkl", pickle(weights));
        stored(zip, ARCHIVE + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        int key = 0;
        for (HostTensor tensor : weights.asMap().values()) {
            stored(zip, ARCHIVE + "/data/" + key++, rawBytes(tensor));
        }
        stored(zip, ARCHIVE + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        zip.finish();
    }

    static byte[] pickle(StateDict weights) {
        PickleWriter p = new PickleWriter().protocol2();
        p.global("collections", "OrderedDict").emptyTuple().reduce().mark();
        int key = 0;
        for (Map.Entry<String, HostTensor> entry : weights.asMap().entrySet()) {
            HostTensor tensor = entry.getValue();
            p.string(entry.getKey());
            rebuildTensor(
                    p,
                    storageClass(tensor.type()),
                    Integer.toString(key++),
                    tensor.numel(),
                    0,
                    tensor.shape(),
                    contiguousStrides(tensor.shape()));
        }
        return p.setItems().stop().toByteArray();
    }

    /**
     * Appends {@code _rebuild_tensor_v2(('storage', torch.<storageClass>, storageKey, 'cpu', numel), offset, size,
     * stride, False, OrderedDict())}: one tensor, a view of storage record {@code data/<storageKey>}.
     */
    static void rebuildTensor(
            PickleWriter p,
            String storageClass,
            String storageKey,
            long numel,
            long offset,
            long[] size,
            long[] stride) {
        p.global("torch._utils", "_rebuild_tensor_v2").mark();
        p.mark()
                .string("storage")
                .global("torch", storageClass)
                .string(storageKey)
                .string("cpu")
                .integer(numel)
                .tuple()
                .persistentId();
        p.integer(offset);
        longTuple(p, size);
        longTuple(p, stride);
        p.bool(false);
        p.global("collections", "OrderedDict").emptyTuple().reduce();
        p.tuple().reduce();
    }

    private static String storageClass(TensorType type) {
        return switch (type) {
            case FLOAT32 -> "FloatStorage";
            case INT64 -> "LongStorage";
        };
    }

    private static void longTuple(PickleWriter p, long[] values) {
        p.mark();
        for (long value : values) {
            p.integer(value);
        }
        p.tuple();
    }

    static long[] contiguousStrides(long[] shape) {
        long[] strides = new long[shape.length];
        long stride = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= shape[i];
        }
        return strides;
    }

    private static byte[] rawBytes(HostTensor tensor) {
        if (tensor.type() == TensorType.FLOAT32) {
            float[] values = tensor.floats();
            ByteBuffer buffer = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(values);
            return buffer.array();
        }
        long[] values = tensor.longs();
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return buffer.array();
    }

    /** Adds {@code bytes} as an uncompressed entry (PyTorch reads stored and deflated entries). */
    static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.length);
        entry.setCompressedSize(bytes.length);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(bytes);
        zip.closeEntry();
    }
}
