package clearbg.model.predict;

import clearbg.model.image.FloatImage;
import clearbg.model.transform.Resampler;
import clearbg.model.transform.RescaleT;
import clearbg.model.transform.ToTensorLab;

/**
 * The original {@code u2net_test.py}: RescaleT to {@code side x side} (scikit-image's bilinear resize without
 * anti-aliasing), ToTensorLab (divide by the image maximum, ImageNet mean and std per channel); the map min-max
 * normalised and truncated to 8 bits ({@code Image.fromarray(pred * 255)}), resized back with Pillow's
 * BILINEAR and rounded.
 */
final class U2NetRecipe implements InferenceRecipe {

    static final U2NetRecipe INSTANCE = new U2NetRecipe();

    private U2NetRecipe() {}

    @Override
    public float[] input(FloatImage image, int side) {
        return ToTensorLab.image(new RescaleT(side).image(image));
    }

    @Override
    public MaskImage mask(float[] maps, int from, int side, int width, int height) {
        FloatImage normalised = FloatImage.of(side, side, 1, normaliseTo8Bits(maps, from, side * side));
        float[] data = Resampler.bilinear(normalised, width, height).data();
        byte[] values = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            values[i] = (byte) Math.max(0, Math.min(255, Math.round(data[i])));
        }
        return new MaskImage(width, height, values);
    }

    /**
     * {@code floor(255 (d - min) / (max - min))} of the map {@code maps[from .. from + length)}: min-max
     * normalised and truncated to 8 bits as the original does; a constant map becomes all zeros.
     */
    private static float[] normaliseTo8Bits(float[] maps, int from, int length) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + length; i++) {
            min = Math.min(min, maps[i]);
            max = Math.max(max, maps[i]);
        }
        float range = max - min;
        float[] out = new float[length];
        if (range > 0) {
            for (int i = 0; i < length; i++) {
                out[i] = (float) Math.floor((maps[from + i] - min) / range * 255f);
            }
        }
        return out;
    }
}
