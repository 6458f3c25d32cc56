package clearbg.model.optim;

import java.io.Serializable;

/**
 * Adam's hyper-parameters; the defaults are the U²-Net recipe (lr 1e-3, betas (0.9, 0.999), eps 1e-8,
 * weight decay 0).
 *
 * @param learningRate step size {@code lr}
 * @param beta1 decay of the first moment
 * @param beta2 decay of the second moment
 * @param eps added to the denominator
 * @param weightDecay L2 penalty added to the gradient ({@code g + wd p}, PyTorch's Adam, not AdamW)
 */
public record AdamSettings(double learningRate, double beta1, double beta2, double eps, double weightDecay)
        implements Serializable {

    /** The original training recipe. */
    public static final AdamSettings U2NET_RECIPE = new AdamSettings(1e-3, 0.9, 0.999, 1e-8, 0);

    public AdamSettings {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got (" + beta1 + ", " + beta2 + ")");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("eps must be > 0, got " + eps);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
    }
}
