package clearbg.model.optim;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import clearbg.model.nn.ArrayAssignment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Moves the gradients of a list of parameters into one flat float array, in list order (the layout
 * {@link Adam#beginFlatStep} reads), and back, for the all-reduce. On the CPU both directions go through a
 * direct view of the gradient's own memory ({@code toByteBuffer(true)}), so writing back changes the
 * gradient in place. On any other device that view is a host copy, so writing back copies each slice of the
 * array to the gradient's device and assigns it to the whole gradient ({@link ArrayAssignment}, an in-place copy on
 * the device). Never {@code NDArray.set(Buffer)}: it would make the gradient alias a Java
 * buffer that is freed with its temporary handle.
 */
public final class FlatGradients {

    private static final NDIndex WHOLE = new NDIndex("...");

    private FlatGradients() {}

    /** The total number of gradient elements, the length of the flat array. */
    public static int size(List<Parameter> parameters) {
        return Math.toIntExact(
                parameters.stream().mapToLong(p -> p.getArray().size()).sum());
    }

    /** Copies every gradient into {@code flat}, one after the other in list order. */
    public static void read(List<Parameter> parameters, float[] flat) {
        read(parameters, flat, 0);
    }

    /** As {@link #read(List, float[])}, the first gradient going to {@code flat[start]}. */
    private static void read(List<Parameter> parameters, float[] flat, int start) {
        int offset = start;
        for (Parameter parameter : parameters) {
            try (NDArray gradient = parameter.getArray().getGradient()) {
                int size = Math.toIntExact(gradient.size());
                view(gradient).get(flat, offset, size);
                offset += size;
            }
        }
    }

    /**
     * As {@link #read}, then sets every gradient to zero for the next backward pass (PyTorch accumulates
     * gradients), as an optimiser step would.
     */
    public static void readAndZero(List<Parameter> parameters, float[] flat) {
        readAndZero(parameters, flat, 0);
    }

    /**
     * As {@link #readAndZero(List, float[])}, the first gradient going to {@code flat[start]}: for a run of the
     * parameters whose gradients are final (a bucket of them, during backward).
     */
    public static void readAndZero(List<Parameter> parameters, float[] flat, int start) {
        read(parameters, flat, start);
        for (Parameter parameter : parameters) {
            try (NDArray gradient = parameter.getArray().getGradient()) {
                if (Device.Type.CPU.equals(gradient.getDevice().getDeviceType())) {
                    FloatBuffer values = view(gradient);
                    for (int i = 0; i < values.capacity(); i++) {
                        values.put(i, 0f); // also where it held NaN, unlike multiplying by zero
                    }
                } else {
                    gradient.set(WHOLE, 0f);
                }
            }
        }
    }

    /** Replaces every gradient by its slice of {@code flat} (the layout {@link #read} writes). */
    public static void write(float[] flat, List<Parameter> parameters) {
        int offset = 0;
        for (Parameter parameter : parameters) {
            try (NDArray gradient = parameter.getArray().getGradient()) {
                int size = Math.toIntExact(gradient.size());
                if (Device.Type.CPU.equals(gradient.getDevice().getDeviceType())) {
                    view(gradient).put(flat, offset, size);
                } else {
                    ArrayAssignment.assign(gradient, flat, offset);
                }
                offset += size;
            }
        }
    }

    private static FloatBuffer view(NDArray gradient) {
        return gradient.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
