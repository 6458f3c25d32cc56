package clearbg.model.transform;

import clearbg.model.image.FloatImage;

/**
 * IS-Net's training input normalisation (the original's dataset divides by 255, then {@code GOSNormalize} with mean
 * 0.5 and std 1.0), HWC to CHW: image {@code x / 255 - 0.5} per channel (a 1-channel image repeated on the three),
 * label {@code y / 255}. The same normalisation as IS-Net's inference ({@code IsNetRecipe}), so a network trained
 * with it is evaluated and served as it was trained. Arithmetic in float.
 */
public final class IsNetNormalize {

    private static final float MEAN = 0.5f;
    private static final float SCALE = 255f;

    private IsNetNormalize() {}

    public static TensorSample apply(Sample s) {
        FloatImage in = s.image();
        int plane = in.width() * in.height();
        int ch = in.channels();
        float[] src = in.data();
        float[] image = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                image[c * plane + i] = src[i * ch + (ch == 1 ? 0 : c)] / SCALE - MEAN;
            }
        }
        float[] labels = s.label().data();
        float[] label = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            label[i] = labels[i] / SCALE;
        }
        return new TensorSample(s.width(), s.height(), image, label);
    }
}
