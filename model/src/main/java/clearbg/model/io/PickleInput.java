package clearbg.model.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a pickle, read front to back. Every read is checked against the bytes that remain before
 * anything is allocated, so a length prefix that is negative or larger than the rest of the pickle is an
 * error, never a huge array.
 */
final class PickleInput {
    private final ByteBuffer bytes;

    PickleInput(byte[] pickle) {
        this.bytes = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Offset of the next byte. */
    int position() {
        return bytes.position();
    }

    boolean atEnd() {
        return !bytes.hasRemaining();
    }

    /** One unsigned byte. */
    int u8() throws UnpicklingError {
        need(1);
        return bytes.get() & 0xff;
    }

    /** Two bytes, little-endian unsigned. */
    int u16() throws UnpicklingError {
        need(2);
        return bytes.getShort() & 0xffff;
    }

    /** Four bytes, little-endian signed. */
    int i32() throws UnpicklingError {
        need(4);
        return bytes.getInt();
    }

    /** Four bytes, little-endian unsigned. */
    long u32() throws UnpicklingError {
        return i32() & 0xffffffffL;
    }

    /** Eight bytes, little-endian signed. */
    long i64() throws UnpicklingError {
        need(8);
        return bytes.getLong();
    }

    /** Eight bytes, a little-endian unsigned length; 2^63 and more (negative as a long) are refused. */
    long length64() throws UnpicklingError {
        long length = i64();
        if (length < 0) {
            throw new UnpicklingError("length " + Long.toUnsignedString(length) + " is more than the "
                    + bytes.remaining() + " bytes left in the pickle");
        }
        return length;
    }

    /** An IEEE 754 double, big-endian (as {@code BINFLOAT} stores it). */
    double f64BigEndian() throws UnpicklingError {
        return Double.longBitsToDouble(Long.reverseBytes(i64()));
    }

    /**
     * The next {@code length} bytes.
     *
     * @throws UnpicklingError if {@code length} is negative or more than the bytes that remain
     */
    byte[] bytes(long length) throws UnpicklingError {
        if (length < 0) {
            throw new UnpicklingError("negative length " + length);
        }
        if (length > bytes.remaining()) {
            throw new UnpicklingError(
                    "length " + length + " is more than the " + bytes.remaining() + " bytes left in the pickle");
        }
        byte[] out = new byte[(int) length];
        bytes.get(out);
        return out;
    }

    /**
     * The bytes up to the next newline (consumed, not returned), as ASCII.
     *
     * @throws UnpicklingError if no newline follows within {@code maxLength} bytes
     */
    String line(int maxLength) throws UnpicklingError {
        int start = bytes.position();
        int end = Math.min(bytes.limit(), start + maxLength + 1);
        for (int i = start; i < end; i++) {
            if (bytes.get(i) == '\n') {
                bytes.position(i + 1);
                return new String(bytes.array(), start, i - start, StandardCharsets.US_ASCII);
            }
        }
        throw new UnpicklingError("no newline within " + maxLength + " bytes");
    }

    private void need(int n) throws UnpicklingError {
        if (bytes.remaining() < n) {
            throw new UnpicklingError("truncated: " + n + " bytes needed, " + bytes.remaining() + " left");
        }
    }
}
