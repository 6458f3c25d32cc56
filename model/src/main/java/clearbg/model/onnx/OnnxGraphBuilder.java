package clearbg.model.onnx;

import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the nodes and float initializers of one ONNX graph with a single float input and output, and
 * writes it as an ONNX {@code ModelProto} (IR version {@value #IR_VERSION}, default domain opset
 * {@value #OPSET}). Field numbers follow the ONNX schema ({@code onnx.proto}). Initializers are streamed
 * to the output as raw little-endian float32, so writing a model copies no weights in memory.
 */
final class OnnxGraphBuilder {

    static final int IR_VERSION = 8;
    static final int OPSET = 18;

    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int OPSET_VERSION = 2;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // AttributeProto and its AttributeType values
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_F = 2;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_S = 4;
    private static final int ATTRIBUTE_INTS = 8;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int TYPE_FLOAT = 1;
    private static final int TYPE_INT = 2;
    private static final int TYPE_STRING = 3;
    private static final int TYPE_INTS = 7;
    // TensorProto and its DataType values
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int DATA_FLOAT = 1;
    private static final int DATA_INT64 = 7;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, its Dimension
    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    private static final int FLOAT_CHUNK = 1 << 16;

    private final List<ProtoMessage> nodes = new ArrayList<>();
    private final Map<String, Initializer> initializers = new LinkedHashMap<>();
    private int nodeCount;

    private record Initializer(long[] dims, float[] floats, long[] longs) {}

    /** An attribute of a node: build with {@link #ints}, {@link #integer}, {@link #real} or {@link #text}. */
    static final class Attribute {
        private final ProtoMessage message;

        private Attribute(String name, int type) {
            message = new ProtoMessage().string(ATTRIBUTE_NAME, name).int64(ATTRIBUTE_TYPE, type);
        }
    }

    static Attribute ints(String name, long... values) {
        Attribute attribute = new Attribute(name, TYPE_INTS);
        attribute.message.int64s(ATTRIBUTE_INTS, values);
        return attribute;
    }

    static Attribute integer(String name, long value) {
        Attribute attribute = new Attribute(name, TYPE_INT);
        attribute.message.int64(ATTRIBUTE_I, value);
        return attribute;
    }

    static Attribute real(String name, float value) {
        Attribute attribute = new Attribute(name, TYPE_FLOAT);
        attribute.message.float32(ATTRIBUTE_F, value);
        return attribute;
    }

    static Attribute text(String name, String value) {
        Attribute attribute = new Attribute(name, TYPE_STRING);
        attribute.message.string(ATTRIBUTE_S, value);
        return attribute;
    }

    /** Adds a float32 initializer (a weight) and returns its name. */
    String initializer(String name, long[] dims, float[] values) {
        return addInitializer(name, new Initializer(dims.clone(), values, null));
    }

    /** Adds an int64 initializer (a shape or size operand) and returns its name. */
    String initializer(String name, long... values) {
        return addInitializer(name, new Initializer(new long[] {values.length}, null, values.clone()));
    }

    private String addInitializer(String name, Initializer initializer) {
        if (initializers.putIfAbsent(name, initializer) != null) {
            throw new IllegalArgumentException("initializer " + name + " was added twice");
        }
        return name;
    }

    /**
     * Adds a node and returns the name of its single output. An empty input name marks an omitted
     * optional input.
     */
    String node(String opType, String outputName, List<String> inputs, Attribute... attributes) {
        ProtoMessage node = new ProtoMessage();
        for (String input : inputs) {
            node.string(NODE_INPUT, input);
        }
        node.string(NODE_OUTPUT, outputName)
                .string(NODE_NAME, opType + "_" + nodeCount++)
                .string(NODE_OP_TYPE, opType);
        for (Attribute attribute : attributes) {
            node.message(NODE_ATTRIBUTE, attribute.message);
        }
        nodes.add(node);
        return outputName;
    }

    /**
     * Writes the model. {@code inputDims} and {@code outputDims} give each dimension's size, or -1 for a
     * dimension named {@code batch} whose size is chosen at run time.
     */
    void writeModel(
            OutputStream sink, String graphName, String input, long[] inputDims, String output, long[] outputDims)
            throws IOException {
        List<byte[]> graphHead = new ArrayList<>();
        for (ProtoMessage node : nodes) {
            graphHead.add(field(GRAPH_NODE, node));
        }
        graphHead.add(field(GRAPH_NAME, graphName));
        graphHead.add(field(GRAPH_INPUT, valueInfo(input, inputDims)));
        graphHead.add(field(GRAPH_OUTPUT, valueInfo(output, outputDims)));
        long graphLength = 0;
        for (byte[] part : graphHead) {
            graphLength += part.length;
        }
        List<byte[]> tensorHeads = new ArrayList<>();
        for (Map.Entry<String, Initializer> entry : initializers.entrySet()) {
            byte[] head = tensorHead(entry.getKey(), entry.getValue());
            tensorHeads.add(head);
            long tensorLength = head.length + rawDataLength(entry.getValue());
            graphLength += CodedOutputStream.computeTagSize(GRAPH_INITIALIZER)
                    + CodedOutputStream.computeUInt64SizeNoTag(tensorLength)
                    + tensorLength;
        }
        CodedOutputStream out = CodedOutputStream.newInstance(sink, FLOAT_CHUNK);
        out.writeInt64(MODEL_IR_VERSION, IR_VERSION);
        out.writeByteArray(MODEL_PRODUCER_NAME, "clearbg".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeByteArray(
                MODEL_OPSET_IMPORT,
                new ProtoMessage().int64(OPSET_VERSION, OPSET).toByteArray());
        out.writeTag(MODEL_GRAPH, 2);
        out.writeUInt64NoTag(graphLength);
        for (byte[] part : graphHead) {
            out.writeRawBytes(part);
        }
        int index = 0;
        for (Initializer initializer : initializers.values()) {
            byte[] head = tensorHeads.get(index++);
            out.writeTag(GRAPH_INITIALIZER, 2);
            out.writeUInt64NoTag(head.length + rawDataLength(initializer));
            out.writeRawBytes(head);
            writeRawData(out, initializer);
        }
        out.flush();
    }

    private static byte[] tensorHead(String name, Initializer initializer) {
        return new ProtoMessage()
                .int64s(TENSOR_DIMS, initializer.dims())
                .int64(TENSOR_DATA_TYPE, initializer.floats() != null ? DATA_FLOAT : DATA_INT64)
                .string(TENSOR_NAME, name)
                .toByteArray();
    }

    private static long rawDataBytes(Initializer initializer) {
        return initializer.floats() != null ? 4L * initializer.floats().length : 8L * initializer.longs().length;
    }

    private static long rawDataLength(Initializer initializer) {
        long bytes = rawDataBytes(initializer);
        return CodedOutputStream.computeTagSize(TENSOR_RAW_DATA)
                + CodedOutputStream.computeUInt64SizeNoTag(bytes)
                + bytes;
    }

    private static void writeRawData(CodedOutputStream out, Initializer initializer) throws IOException {
        out.writeTag(TENSOR_RAW_DATA, 2);
        out.writeUInt64NoTag(rawDataBytes(initializer));
        if (initializer.longs() != null) {
            ByteBuffer buffer =
                    ByteBuffer.allocate(8 * initializer.longs().length).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asLongBuffer().put(initializer.longs());
            out.writeRawBytes(buffer.array());
            return;
        }
        float[] values = initializer.floats();
        ByteBuffer buffer = ByteBuffer.allocate(4 * FLOAT_CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (int start = 0; start < values.length; start += FLOAT_CHUNK) {
            int count = Math.min(FLOAT_CHUNK, values.length - start);
            buffer.clear();
            buffer.asFloatBuffer().put(values, start, count);
            out.writeRawBytes(buffer.array(), 0, 4 * count);
        }
    }

    private static ProtoMessage valueInfo(String name, long[] dims) {
        ProtoMessage shape = new ProtoMessage();
        for (long dim : dims) {
            shape.message(
                    SHAPE_DIM,
                    dim < 0 ? new ProtoMessage().string(DIM_PARAM, "batch") : new ProtoMessage().int64(DIM_VALUE, dim));
        }
        ProtoMessage tensorType =
                new ProtoMessage().int64(TENSOR_TYPE_ELEM_TYPE, DATA_FLOAT).message(TENSOR_TYPE_SHAPE, shape);
        return new ProtoMessage()
                .string(VALUE_NAME, name)
                .message(VALUE_TYPE, new ProtoMessage().message(TYPE_TENSOR_TYPE, tensorType));
    }

    private static byte[] field(int number, ProtoMessage message) {
        return new ProtoMessage().message(number, message).toByteArray();
    }

    private static byte[] field(int number, String value) {
        return new ProtoMessage().string(number, value).toByteArray();
    }
}
