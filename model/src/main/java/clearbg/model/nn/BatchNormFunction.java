package clearbg.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * BatchNorm in training mode computed elsewhere than in DJL's own operator: the native bridge's SyncBatchNorm
 * ({@code clearbg.jobs.torchbridge.SyncBatchNorm}), which normalises over the batch of all data-parallel replicas.
 * Given to {@link U2NetModel#forward(NDArray, boolean, BatchNormFunction)}, every BatchNorm layer calls it in
 * training mode instead of normalising by its own replica's batch.
 */
@FunctionalInterface
public interface BatchNormFunction {

    /** The key under which the forward pass carries the function to the layers (DJL's block parameters). */
    String PARAMETER = "clearbg.batchNormFunction";

    /**
     * Normalises {@code input} ({@code N x C x ...}) per channel by the statistics of the batch, scales and shifts it,
     * and moves the running statistics (in place) towards the batch's mean and unbiased variance:
     * {@code running = (1 - momentum) running + momentum batch}. Differentiable with respect to the input, the
     * weight and the bias.
     *
     * @param momentum PyTorch's convention (0.1 for U²-Net)
     * @param eps added to the variance
     * @return the normalised input, a new array in {@code input}'s manager
     */
    NDArray apply(
            NDArray input,
            NDArray weight,
            NDArray bias,
            NDArray runningMean,
            NDArray runningVar,
            double momentum,
            double eps);
}
