package clearbg.jobs.torchbridge;

/**
 * The functions of {@code libclearbg_torch.so} (src/main/cpp/clearbg_torch.cpp). Callable only after {@link
 * TorchBridge#load()} has loaded the library; tensor handles are DJL's {@code PtNDArray} handles.
 */
final class TorchNative {

    private TorchNative() {}

    /** {@code major.minor.patch} of the torch headers the library was compiled against. */
    static native String headerVersion();

    /**
     * Adds a post hook to the gradient accumulator of each tensor that calls {@code target.onReady(i)} for {@code
     * tensors[i]} once its gradient has been accumulated.
     *
     * @return the registration, for {@link #removeGradientReadyHooks(long)}
     * @throws IllegalArgumentException when a tensor is not a leaf that requires a gradient; no hook is left then
     */
    static native long addGradientReadyHooks(long[] tensors, GradientReadyHooks target);

    /** Removes the hooks of a registration and frees it; never during a backward pass. */
    static native void removeGradientReadyHooks(long registration);

    /**
     * Makes the native side of a {@link SyncBatchNorm}: its {@code String sumOverReplicas(double[])} is called from
     * every forward and backward pass of {@link #syncBatchNorm}; 0 with an error pending when it has no such method.
     */
    static native long newSyncBatchNorm(SyncBatchNorm target);

    /** Frees what {@link #newSyncBatchNorm} made; never while a graph that uses it may still run backward. */
    static native void freeSyncBatchNorm(long exchange);

    /**
     * BatchNorm in training mode over all replicas, recorded for autograd; the running statistics are updated in
     * place.
     *
     * @return the output's new tensor handle, which DJL is to own
     * @throws IllegalStateException when the statistics' exchange failed or the input has no channel dimension
     */
    static native long syncBatchNorm(
            long input,
            long weight,
            long bias,
            long runningMean,
            long runningVar,
            double momentum,
            double eps,
            long exchange);
}
