package clearbg.model.io;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A named tensor whose values are produced only when they are written, so that a large state (U²-Net's weights
 * and Adam's moments, 528 MB) can be streamed to a file one tensor at a time instead of being copied whole
 * first. The header of a file needs only the type and the shape; {@link #values()} is called once per pass over
 * the data and may return a fresh copy (a tensor on a device) or a live array (an optimiser's moment), which
 * must then not change until the write ends.
 *
 * @param name the tensor's key in the file
 * @param type its element type
 * @param shape its shape
 * @param values produces a tensor of that type and shape
 */
public record TensorSource(String name, TensorType type, long[] shape, Supplier<HostTensor> values) {

    public TensorSource {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The number of elements. */
    public long numel() {
        return HostTensor.numel(shape);
    }

    /** A source over a tensor already in memory. */
    public static TensorSource of(String name, HostTensor tensor) {
        return new TensorSource(name, tensor.type(), tensor.shape(), () -> tensor);
    }

    /** Sources over every tensor of {@code state}, in its order. */
    public static List<TensorSource> of(StateDict state) {
        List<TensorSource> sources = new ArrayList<>();
        for (Map.Entry<String, HostTensor> e : state.asMap().entrySet()) {
            sources.add(of(e.getKey(), e.getValue()));
        }
        return sources;
    }
}
