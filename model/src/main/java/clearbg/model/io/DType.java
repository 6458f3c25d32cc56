package clearbg.model.io;

import java.nio.ByteBuffer;

/**
 * The element types that can be read from files, with their size in bytes, the {@link TensorType} they are
 * held as, and how one element is decoded from a buffer (whose byte order the caller has set).
 */
enum DType {
    F32(4, TensorType.FLOAT32),
    F64(8, TensorType.FLOAT32),
    F16(2, TensorType.FLOAT32),
    BF16(2, TensorType.FLOAT32),
    I64(8, TensorType.INT64),
    I32(4, TensorType.INT64);

    private final int size;
    private final TensorType target;

    DType(int size, TensorType target) {
        this.size = size;
        this.target = target;
    }

    /** Bytes per element. */
    int size() {
        return size;
    }

    /** The type this dtype is converted to on read. */
    TensorType target() {
        return target;
    }

    /** Element {@code index} (counted in elements) as a float; for floating dtypes only. */
    float floatAt(ByteBuffer b, int index) {
        int at = index * size;
        switch (this) {
            case F32:
                return b.getFloat(at);
            case F64:
                return (float) b.getDouble(at);
            case F16:
                return halfToFloat(b.getShort(at));
            case BF16:
                return Float.intBitsToFloat((b.getShort(at) & 0xffff) << 16);
            default:
                throw new IllegalStateException(this + " is not a floating dtype");
        }
    }

    /** Element {@code index} (counted in elements) as a long; for integer dtypes only. */
    long longAt(ByteBuffer b, int index) {
        int at = index * size;
        switch (this) {
            case I64:
                return b.getLong(at);
            case I32:
                return b.getInt(at);
            default:
                throw new IllegalStateException(this + " is not an integer dtype");
        }
    }

    /** IEEE 754 binary16 to binary32, exact (every half value, subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float magnitude = mant * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
