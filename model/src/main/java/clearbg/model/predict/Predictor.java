package clearbg.model.predict;

import clearbg.model.image.FloatImage;
import clearbg.model.transform.Resampler;
import clearbg.model.transform.RescaleT;
import clearbg.model.transform.ToTensorLab;
import java.util.ArrayList;
import java.util.List;

/**
 * Image in, mask at the original size out, as the original {@code u2net_test.py}:
 *
 * <ol>
 *   <li>RescaleT: bilinear resize to {@code inputSize x inputSize} (aspect ratio not kept);
 *   <li>ToTensorLab: divide by the image maximum, ImageNet mean and std per channel;
 *   <li>U²-Net in inference mode, keep the fused map {@code d0};
 *   <li>min-max normalise per image: {@code (d - min) / (max - min)} (all zeros when max = min);
 *   <li>to 8 bits by truncation, {@code floor(255 p)}, as the original's
 *       {@code Image.fromarray(pred * 255).convert('RGB')};
 *   <li>bilinear resize back to the original size (PIL's BILINEAR: a triangle filter that widens when
 *       shrinking) and rounding to 8 bits.
 * </ol>
 *
 * Images go through the network {@code batchSize} at a time. Thread-safe when the network is: the
 * predictor itself keeps no state between calls.
 */
public final class Predictor {

    private final FusedMapNetwork network;
    private final PredictorSettings settings;

    /** A predictor over an open network. The network stays owned by the caller. */
    public Predictor(FusedMapNetwork network, PredictorSettings settings) {
        this.network = network;
        this.settings = settings;
    }

    /** Predicts the masks of {@code images}, in order, at each image's own size. */
    public List<MaskImage> predict(List<FloatImage> images) {
        return predict(images, new PhaseTimer());
    }

    /**
     * Predicts the masks of {@code images}, in order, at each image's own size, adding the time spent to
     * {@code timer}: {@link Phase#RESIZE} for the preparation of the input and of the masks,
     * {@link Phase#FORWARD} for the network.
     */
    public List<MaskImage> predict(List<FloatImage> images, PhaseTimer timer) {
        List<MaskImage> masks = new ArrayList<>(images.size());
        for (int start = 0; start < images.size(); start += settings.batchSize()) {
            masks.addAll(predictBatch(
                    images.subList(start, Math.min(images.size(), start + settings.batchSize())), timer));
        }
        return masks;
    }

    private List<MaskImage> predictBatch(List<FloatImage> batch, PhaseTimer timer) {
        long start = System.nanoTime();
        int side = settings.inputSize();
        int plane = side * side;
        RescaleT rescale = new RescaleT(side);
        float[] input = new float[batch.size() * 3 * plane];
        for (int i = 0; i < batch.size(); i++) {
            float[] tensor = ToTensorLab.image(rescale.image(batch.get(i)));
            System.arraycopy(tensor, 0, input, i * 3 * plane, tensor.length);
        }
        timer.stop(Phase.RESIZE, start);
        start = System.nanoTime();
        float[] fused = network.fusedMaps(input, batch.size(), side);
        timer.stop(Phase.FORWARD, start);
        start = System.nanoTime();
        List<MaskImage> masks = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            FloatImage normalised = FloatImage.of(side, side, 1, normaliseTo8Bits(fused, i * plane, plane));
            FloatImage original = batch.get(i);
            masks.add(quantise(Resampler.bilinear(normalised, original.width(), original.height())));
        }
        timer.stop(Phase.RESIZE, start);
        return masks;
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

    private static MaskImage quantise(FloatImage map) {
        float[] data = map.data();
        byte[] values = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            values[i] = (byte) Math.max(0, Math.min(255, Math.round(data[i])));
        }
        return new MaskImage(map.width(), map.height(), values);
    }
}
