package clearbg.model.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * IS-Net's intermediate supervision term (the original's {@code muti_loss_fusion_kl}, mode {@code MSE}): the mean
 * squared difference between each of the network's stage features and the frozen ground-truth encoder's, summed.
 *
 * <pre>
 *   loss = sum over i = 1..6 of mean( (d_i - f_i)^2 )
 * </pre>
 *
 * {@code d_i} carries the gradient, {@code f_i} (the encoder's features of the mask) none. Stateless and thread-safe.
 */
public final class FeatureMse {

    private FeatureMse() {}

    /**
     * @param features the network's stage features, stage 1 first
     * @param targets the encoder's, the same shapes
     * @return the summed mean squared differences, a scalar
     */
    public static NDArray compute(NDList features, NDList targets) {
        if (features.size() != targets.size()) {
            throw new IllegalArgumentException(
                    features.size() + " features against " + targets.size() + " target features");
        }
        NDArray total = null;
        for (int i = 0; i < features.size(); i++) {
            NDArray d = features.get(i);
            NDArray f = targets.get(i);
            if (!d.getShape().equals(f.getShape())) {
                throw new IllegalArgumentException("feature " + (i + 1) + " is " + d.getShape() + " but its target "
                        + f.getShape() + ": the encoder must see masks of the network's input size");
            }
            NDArray term = d.sub(f.stopGradient()).square().mean();
            total = total == null ? term : total.add(term);
        }
        return total;
    }
}
