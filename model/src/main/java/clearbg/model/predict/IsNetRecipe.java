package clearbg.model.predict;

import clearbg.model.image.FloatImage;
import clearbg.model.transform.TorchBilinear;

/**
 * The original IS-Net {@code Inference.py}: the photo as float, resized to {@code side x side} with PyTorch's
 * bilinear interpolation ({@link TorchBilinear}), cast to {@code uint8} (truncation), divided by 255 and
 * normalised with mean 0.5 and std 1.0 per channel (a grey photo is repeated on the three channels, as rembg
 * converts to RGB); the prediction (side output 1) resized back to the photo's size with the same interpolation,
 * min-max normalised over that size and truncated to 8 bits ({@code (result * 255).astype(np.uint8)}); a constant
 * map becomes all zeros.
 */
final class IsNetRecipe implements InferenceRecipe {

    static final IsNetRecipe INSTANCE = new IsNetRecipe();

    private static final float MEAN = 0.5f;

    private IsNetRecipe() {}

    @Override
    public float[] input(FloatImage image, int side) {
        int width = image.width();
        int height = image.height();
        int channels = image.channels();
        float[] data = image.data();
        float[] plane = new float[width * height];
        int sidePlane = side * side;
        float[] out = new float[3 * sidePlane];
        for (int c = 0; c < 3; c++) {
            int channel = channels == 1 ? 0 : c;
            for (int i = 0; i < plane.length; i++) {
                plane[i] = data[i * channels + channel];
            }
            float[] resized = TorchBilinear.resize(plane, width, height, side, side);
            for (int i = 0; i < sidePlane; i++) {
                out[c * sidePlane + i] = (float) (int) resized[i] / 255f - MEAN; // the uint8 cast truncates
            }
        }
        return out;
    }

    @Override
    public MaskImage mask(float[] maps, int from, int side, int width, int height) {
        float[] resized = TorchBilinear.resize(maps, from, side, side, width, height);
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : resized) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max - min;
        byte[] values = new byte[resized.length];
        if (range > 0) {
            for (int i = 0; i < resized.length; i++) {
                values[i] = (byte) (int) ((resized[i] - min) / range * 255f);
            }
        }
        return new MaskImage(width, height, values);
    }
}
