package clearbg.model.transform;

import clearbg.model.image.FloatImage;

/**
 * U²-Net's {@code ToTensorLab(flag=0)} (RGB input normalisation), HWC to CHW.
 *
 * <p>Image: {@code x' = x / max(image)} with the maximum over all pixels and channels, then per output
 * channel {@code (x' - mean[c]) / std[c]} with ImageNet {@code mean = (0.485, 0.456, 0.406)},
 * {@code std = (0.229, 0.224, 0.225)}. A 1-channel image fills all three output channels with
 * {@code (x' - 0.485) / 0.229} (channel 0's statistics, as the original). The division by the maximum is
 * skipped when {@code max <= 1e-6} (the original divides anyway and produces NaN for an all-black image).
 *
 * <p>Label: {@code y / max(label)}, or unchanged when {@code max(label) < 1e-6}.
 *
 * <p>Arithmetic in double, results stored as float (the original computes in float64).
 */
public final class ToTensorLab {

    static final double[] MEAN = {0.485, 0.456, 0.406};
    static final double[] STD = {0.229, 0.224, 0.225};
    private static final double EPS = 1e-6;

    private ToTensorLab() {}

    public static TensorSample apply(Sample s) {
        return new TensorSample(s.width(), s.height(), image(s.image()), label(s.label()));
    }

    /** The image part alone, as a {@code 3 x H x W} array (inference needs no label). */
    public static float[] image(FloatImage in) {
        int plane = in.width() * in.height();
        int ch = in.channels();
        float[] src = in.data();
        double max = in.max();
        double div = max > EPS ? max : 1.0;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            int pixel = i * ch;
            for (int c = 0; c < 3; c++) {
                int stat = ch == 1 ? 0 : c;
                out[c * plane + i] = (float) ((src[pixel + stat] / div - MEAN[stat]) / STD[stat]);
            }
        }
        return out;
    }

    static float[] label(FloatImage in) {
        float[] src = in.data();
        double max = in.max();
        float[] out = new float[src.length];
        for (int i = 0; i < src.length; i++) {
            out[i] = max < EPS ? src[i] : (float) (src[i] / max);
        }
        return out;
    }
}
