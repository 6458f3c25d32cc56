package clearbg.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Overwrites the values of an existing array in place ({@code target[...] = values}): a tensor made from the values on
 * the target's device (converted to the target's data type) is assigned to the whole target, so the target keeps its
 * identity (its handle, gradient settings and every reference to it) and aliases no Java memory. Autograd records
 * nothing of it (a parameter that requires a gradient may be assigned on any thread). Used instead of
 * DJL's {@code NDArray.set(Buffer)}, whose native call enters libtorch's deprecated {@code AutoNonVariableTypeMode}
 * and prints its deprecation warning into every command's output.
 */
public final class ArrayAssignment {

    private static final NDIndex WHOLE = new NDIndex("...");

    private ArrayAssignment() {}

    /**
     * Sets {@code target} to {@code values} (row-major, {@code target.size()} of them).
     *
     * @throws IllegalArgumentException when the count differs from the target's size
     */
    public static void assign(NDArray target, float[] values) {
        assign(target, values, 0);
    }

    /** As {@link #assign(NDArray, float[])} from {@code values[offset .. offset + target.size())}. */
    public static void assign(NDArray target, float[] values, int offset) {
        int size = Math.toIntExact(target.size());
        if (offset < 0 || values.length - offset < size) {
            throw new IllegalArgumentException("an array of shape " + target.getShape() + " needs " + size
                    + " values, got " + Math.max(0, values.length - offset) + " from offset " + offset);
        }
        float[] slice = values;
        if (offset != 0 || values.length != size) {
            slice = new float[size];
            System.arraycopy(values, offset, slice, 0, size);
        }
        try (ThreadGradMode off = ThreadGradMode.off();
                NDManager onDevice = target.getManager().newSubManager(target.getDevice())) {
            NDArray source = onDevice.create(slice, target.getShape());
            target.set(
                    WHOLE,
                    source.getDataType() == target.getDataType() ? source : source.toType(target.getDataType(), false));
        }
    }
}
