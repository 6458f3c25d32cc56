package clearbg.model.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One protobuf message being written field by field in the wire format (protobuf-java's
 * {@link CodedOutputStream} does the encoding; ONNX's schema classes are not needed for the few messages
 * {@link OnnxGraphBuilder} writes). Repeated scalars are written one field each (unpacked), which proto2
 * readers such as ONNX's expect and every reader accepts.
 */
final class ProtoMessage {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

    ProtoMessage int64(int field, long value) {
        return write(() -> out.writeInt64(field, value));
    }

    ProtoMessage int64s(int field, long... values) {
        for (long value : values) {
            int64(field, value);
        }
        return this;
    }

    ProtoMessage float32(int field, float value) {
        return write(() -> out.writeFloat(field, value));
    }

    ProtoMessage string(int field, String value) {
        return write(() -> out.writeByteArray(field, value.getBytes(StandardCharsets.UTF_8)));
    }

    ProtoMessage message(int field, ProtoMessage value) {
        return write(() -> out.writeByteArray(field, value.toByteArray()));
    }

    /** The message's encoded bytes (without a tag or length of its own). */
    byte[] toByteArray() {
        write(out::flush);
        return bytes.toByteArray();
    }

    private ProtoMessage write(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return this;
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
