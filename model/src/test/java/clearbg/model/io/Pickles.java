package clearbg.model.io;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Hand-assembled pickle bytes, for pickles no well-behaved pickler writes. */
final class Pickles {
    private Pickles() {}

    /**
     * The concatenation of {@code parts}: an Integer or Character is one byte (an opcode or argument), a String its
     * UTF-8 bytes, a byte[] itself.
     */
    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof Integer i) {
                out.write(i);
            } else if (part instanceof Character c) {
                out.write(c);
            } else if (part instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else {
                out.writeBytes((byte[]) part);
            }
        }
        return out.toByteArray();
    }

    /** Four bytes little-endian: the low 32 bits of {@code value}. */
    static byte[] le32(long value) {
        return ByteBuffer.allocate(4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt((int) value)
                .array();
    }

    static byte[] le64(long value) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(value)
                .array();
    }

    /** {@code n} copies of {@code unit}. */
    static byte[] repeat(byte[] unit, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(unit.length * n);
        for (int i = 0; i < n; i++) {
            out.writeBytes(unit);
        }
        return out.toByteArray();
    }
}
