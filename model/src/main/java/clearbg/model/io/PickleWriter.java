package clearbg.model.io;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The few pickle (protocol 2) opcodes a PyTorch state_dict needs, written without memoisation. Each method
 * appends one value or opcode; {@link #toByteArray()} returns the stream.
 */
final class PickleWriter {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter protocol2() {
        out.write(0x80);
        out.write(2);
        return this;
    }

    /** {@code GLOBAL module name}: pushes a class or function by its qualified name. */
    PickleWriter global(String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleWriter mark() {
        out.write('(');
        return this;
    }

    /** {@code TUPLE}: the values since the last mark become a tuple. */
    PickleWriter tuple() {
        out.write('t');
        return this;
    }

    PickleWriter emptyTuple() {
        out.write(')');
        return this;
    }

    /** {@code REDUCE}: calls the callable below the argument tuple on the stack. */
    PickleWriter reduce() {
        out.write('R');
        return this;
    }

    /** {@code BINPERSID}: the tuple on the stack is a persistent id (PyTorch: a storage reference). */
    PickleWriter persistentId() {
        out.write('Q');
        return this;
    }

    /** {@code NEWOBJ}: {@code cls.__new__(cls, *args)} of the class and argument tuple on the stack. */
    PickleWriter newObject() {
        out.write(0x81);
        return this;
    }

    PickleWriter emptyDict() {
        out.write('}');
        return this;
    }

    /** {@code BUILD}: sets the object's state (a dict of attributes) from the value on the stack. */
    PickleWriter build() {
        out.write('b');
        return this;
    }

    /** {@code SETITEMS}: the key-value pairs since the last mark go into the dict below the mark. */
    PickleWriter setItems() {
        out.write('u');
        return this;
    }

    PickleWriter bool(boolean value) {
        out.write(value ? 0x88 : 0x89);
        return this;
    }

    PickleWriter string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        writeIntLe(bytes.length);
        out.writeBytes(bytes);
        return this;
    }

    /** An integer: {@code BININT} when it fits in 32 bits, else {@code LONG1}. */
    PickleWriter integer(long value) {
        if (value == (int) value) {
            out.write('J');
            writeIntLe((int) value);
        } else {
            byte[] bigEndian = BigInteger.valueOf(value).toByteArray();
            out.write(0x8a);
            out.write(bigEndian.length);
            for (int i = bigEndian.length - 1; i >= 0; i--) {
                out.write(bigEndian[i]);
            }
        }
        return this;
    }

    PickleWriter stop() {
        out.write('.');
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void writeIntLe(int value) {
        for (int i = 0; i < 4; i++) {
            out.write((value >>> (8 * i)) & 0xff);
        }
    }
}
