package clearbg.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The training loss of U²-Net and IS-Net: binary cross-entropy on each probability map (U²-Net's seven, IS-Net's
 * six), summed (the original's {@code muti_loss_fusion}).
 *
 * <pre>
 *   bce(p, y) = mean( -( y max(log p, -100) + (1 - y) max(log(1 - p), -100) ) )
 *   loss      = sum over the maps k of bce(p_k, y)
 * </pre>
 *
 * <p>The clamp at -100 is PyTorch's {@code BCELoss}: it keeps the loss finite where a probability is
 * exactly 0 or 1. The gradient is PyTorch's too, not the one autograd would derive through the clamp:
 *
 * <pre>
 *   d bce / d p = ( (p - y) / max((1 - p) p, 1e-12) ) / numel
 * </pre>
 *
 * which is what makes training bit-for-bit comparable with the original (the conv biases in front of a
 * BatchNorm have a true gradient of zero, so Adam moves them by the sign of rounding noise: the noise must
 * be the same). It is built as {@code stop(bce) + sum(p stop(g)) - stop(sum(p stop(g)))}: the value is the
 * BCE, the gradient with respect to {@code p} is exactly {@code g}. (DJL's own sigmoid BCE returns the
 * negative of the loss with {@code fromSigmoid=true}, so it is not used.) Stateless and thread-safe.
 */
public final class MultiOutputBce {

    /** PyTorch's lower bound for the log terms. */
    public static final float LOG_FLOOR = -100f;
    /** PyTorch's lower bound for {@code p (1 - p)} in the gradient. */
    public static final float GRADIENT_EPSILON = 1e-12f;

    private MultiOutputBce() {}

    /** The mean BCE of one probability map against the target (same shape, values in [0, 1]). */
    public static NDArray bce(NDArray probability, NDArray target) {
        NDArray p = probability.stopGradient();
        NDArray y = target.stopGradient();
        NDArray notP = p.neg().add(1f);
        NDArray value = y.mul(p.log().maximum(LOG_FLOOR))
                .add(y.neg().add(1f).mul(notP.log().maximum(LOG_FLOOR)))
                .mean()
                .neg();
        NDArray gradient = p.sub(y).div(notP.mul(p).maximum(GRADIENT_EPSILON)).div((float) p.size());
        NDArray linear = probability.mul(gradient).sum();
        return linear.sub(linear.stopGradient()).add(value);
    }

    /**
     * The per-output losses and their sum.
     *
     * @param outputs the maps, the prediction first
     * @param target the ground truth, {@code N x 1 x H x W} in [0, 1]
     * @return {@code [total, bce of each map]}, scalars
     */
    public static NDList compute(NDList outputs, NDArray target) {
        NDList result = new NDList(outputs.size() + 1);
        NDArray total = null;
        for (NDArray output : outputs) {
            NDArray term = bce(output, target);
            result.add(term);
            total = total == null ? term : total.add(term);
        }
        result.add(0, total);
        return result;
    }
}
