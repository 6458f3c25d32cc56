package clearbg.model.predict;

import clearbg.model.nn.Arch;

/**
 * U²-Net or IS-Net in inference mode, reduced to what prediction needs: the prediction map of a batch (U²-Net's
 * fused map {@code d0}, IS-Net's side output 1). Implementations say whether concurrent calls are allowed.
 */
public interface FusedMapNetwork extends AutoCloseable {

    /** The architecture, which decides the inference recipe ({@link InferenceRecipe#of}). */
    Arch arch();

    /**
     * Runs the network on {@code input}, a {@code batch x 3 x side x side} tensor in NCHW order, and
     * returns the {@code batch x side x side} prediction maps (after their sigmoid) in the same order.
     */
    float[] fusedMaps(float[] input, int batch, int side);

    /** Frees the network; no call may be running or follow. */
    @Override
    void close();
}
