package clearbg.model.predict;

/**
 * U²-Net in inference mode, reduced to what prediction needs: the fused probability map {@code d0} of a
 * batch. Implementations say whether concurrent calls are allowed.
 */
public interface FusedMapNetwork extends AutoCloseable {

    /**
     * Runs the network on {@code input}, a {@code batch x 3 x side x side} tensor in NCHW order, and
     * returns the {@code batch x side x side} fused maps (after their sigmoid) in the same order.
     */
    float[] fusedMaps(float[] input, int batch, int side);

    /** Frees the network; no call may be running or follow. */
    @Override
    void close();
}
