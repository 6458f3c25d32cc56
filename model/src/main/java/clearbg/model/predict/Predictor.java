package clearbg.model.predict;

import clearbg.model.image.FloatImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Image in, mask at the original size out, as the original inference code of the network's architecture
 * ({@link InferenceRecipe}): for U²-Net {@code u2net_test.py} (RescaleT to {@code inputSize}, ToTensorLab, the
 * fused map min-max normalised and truncated to 8 bits, Pillow's bilinear resize back); for IS-Net
 * {@code Inference.py} (PyTorch's bilinear resize to {@code inputSize}, mean 0.5, side output 1 resized
 * back, then min-max normalised). Images go through the network {@code batchSize} at a time. Thread-safe
 * when the network is: the predictor itself keeps no state between calls.
 */
public final class Predictor {

    private final FusedMapNetwork network;
    private final PredictorSettings settings;
    private final InferenceRecipe recipe;

    /** A predictor over an open network, with its architecture's recipe. The network stays owned by the caller. */
    public Predictor(FusedMapNetwork network, PredictorSettings settings) {
        this.network = network;
        this.settings = settings;
        this.recipe = InferenceRecipe.of(network.arch());
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
        float[] input = new float[batch.size() * 3 * plane];
        for (int i = 0; i < batch.size(); i++) {
            float[] tensor = recipe.input(batch.get(i), side);
            System.arraycopy(tensor, 0, input, i * 3 * plane, tensor.length);
        }
        timer.stop(Phase.RESIZE, start);
        start = System.nanoTime();
        float[] maps = network.fusedMaps(input, batch.size(), side);
        timer.stop(Phase.FORWARD, start);
        start = System.nanoTime();
        List<MaskImage> masks = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            FloatImage original = batch.get(i);
            masks.add(recipe.mask(maps, i * plane, side, original.width(), original.height()));
        }
        timer.stop(Phase.RESIZE, start);
        return masks;
    }
}
