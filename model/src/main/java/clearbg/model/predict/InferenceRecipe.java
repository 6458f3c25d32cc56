package clearbg.model.predict;

import clearbg.model.image.FloatImage;
import clearbg.model.nn.Arch;

/**
 * How an architecture's original inference code turns a photo into the network's input and the network's
 * prediction map back into a mask at the photo's size. {@link Predictor} runs the network between the two.
 */
public interface InferenceRecipe {

    /** The network input of {@code image} (RGB or grey, 0..255): {@code 3 x side x side} floats, plane by plane. */
    float[] input(FloatImage image, int side);

    /**
     * The 8-bit mask at {@code width x height} from the prediction map {@code maps[from .. from + side²)}
     * (probabilities, row-major).
     */
    MaskImage mask(float[] maps, int from, int side, int width, int height);

    /** The original recipe of {@code arch}: {@code u2net_test.py}'s for U²-Net, {@code Inference.py}'s for IS-Net. */
    static InferenceRecipe of(Arch arch) {
        return arch.stemChannels() > 0 ? IsNetRecipe.INSTANCE : U2NetRecipe.INSTANCE;
    }
}
