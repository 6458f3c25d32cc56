package clearbg.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import clearbg.model.loss.FeatureMse;
import clearbg.model.loss.MultiOutputBce;
import clearbg.model.nn.Arch;
import clearbg.model.nn.BatchNormFunction;
import clearbg.model.nn.ForwardResult;
import clearbg.model.nn.ThreadGradMode;
import clearbg.model.nn.U2NetModel;

/**
 * The forward pass and loss of one training step, as the original training scripts compute them.
 *
 * <pre>
 *   x    = images (N x 3 x H x W), or the labels for the ground-truth encoder (its input is the mask)
 *   loss = sum over the outputs k of bce(p_k, y)         ({@link MultiOutputBce})
 *        + sum over i = 1..6 of mean((d_i - f_i)^2)     (with intermediate supervision: {@link FeatureMse})
 * </pre>
 *
 * <p>With intermediate supervision (IS-Net only) {@code d_i} are IS-Net's decoder features and {@code f_i} the frozen
 * ground-truth encoder's features of the labels. As in the original training script, the encoder runs in training
 * mode: its BatchNorm normalises by the batch's statistics (its running statistics, never saved, change; its weights
 * do not), without recording gradients. The side outputs are always at the input size, so the original's bilinear
 * resize of the target to a differently sized prediction never applies. Not thread-safe; one per trainer.
 */
public final class TrainingLoss implements AutoCloseable {

    private final U2NetModel encoder; // null without intermediate supervision

    private TrainingLoss(U2NetModel encoder) {
        this.encoder = encoder;
    }

    /** The summed BCE over the side outputs (and U²-Net's fused map). */
    public static TrainingLoss sideOutputs() {
        return new TrainingLoss(null);
    }

    /**
     * The side outputs' BCE plus IS-Net's feature MSE against {@code encoder}, which this loss owns and closes.
     *
     * @throws IllegalArgumentException when {@code encoder} is not an {@link Arch#ISNET_GT_ENCODER}
     */
    public static TrainingLoss withIntermediateSupervision(U2NetModel encoder) {
        if (encoder.arch() != Arch.ISNET_GT_ENCODER) {
            throw new IllegalArgumentException("intermediate supervision needs isnet-gt-encoder weights, got "
                    + encoder.arch().cliName());
        }
        return new TrainingLoss(encoder);
    }

    /** Whether the feature MSE is part of the loss. */
    public boolean supervisesFeatures() {
        return encoder != null;
    }

    /**
     * Runs {@code model} on the batch and computes the loss; call it while the thread records gradients.
     *
     * @param images {@code N x 3 x H x W}
     * @param labels {@code N x 1 x H x W} in [0, 1]
     * @param training whether BatchNorm uses the batch's statistics
     * @param batchNorm SyncBatchNorm's function in training mode, or null
     * @return {@code [total, bce_1, ..., bce_k]}, scalars, {@code k} = {@link Arch#outputs()}
     * @throws IllegalArgumentException when the feature MSE is asked for a model other than IS-Net
     */
    public NDList compute(
            U2NetModel model, NDArray images, NDArray labels, boolean training, BatchNormFunction batchNorm) {
        NDArray input = model.arch().inputChannels() == 1 ? labels : images;
        if (encoder == null) {
            return MultiOutputBce.compute(model.forward(input, training, batchNorm), labels);
        }
        if (model.arch() != Arch.ISNET) {
            throw new IllegalArgumentException(
                    "intermediate supervision is for isnet, not " + model.arch().cliName());
        }
        NDList targets;
        try (ThreadGradMode off = ThreadGradMode.off()) {
            targets = encoder.forwardWithFeatures(labels, true, null).features();
        }
        ForwardResult result = model.forwardWithFeatures(input, training, batchNorm);
        NDList losses = MultiOutputBce.compute(result.outputs(), labels);
        NDArray total = losses.get(0).add(FeatureMse.compute(result.features(), targets));
        losses.set(0, total);
        return losses;
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }
}
