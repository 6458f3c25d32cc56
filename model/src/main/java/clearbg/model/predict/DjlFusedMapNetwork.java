package clearbg.model.predict;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import clearbg.model.nn.U2NetModel;

/**
 * The fused map from the project's own U²-Net on DJL's PyTorch engine (CPU or GPU, wherever the model's
 * parameters live). Calls are serialised: the model is not thread-safe, and libtorch parallelises inside
 * each forward pass.
 */
public final class DjlFusedMapNetwork implements FusedMapNetwork {

    private final U2NetModel model;

    /** A network over a loaded model, which it owns from now on: {@link #close()} closes the model. */
    public DjlFusedMapNetwork(U2NetModel model) {
        this.model = model;
    }

    @Override
    public synchronized float[] fusedMaps(float[] input, int batch, int side) {
        try (NDManager scratch = model.manager().newSubManager()) {
            NDArray x = scratch.create(input, new Shape(batch, 3, side, side));
            return model.forward(x, false).get(0).toFloatArray();
        }
    }

    @Override
    public synchronized void close() {
        model.close();
    }
}
