package clearbg.model.transform;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The U²-Net training pipeline for one sample: {@link RescaleT}({@code rescaleSize}), then the random
 * flips of {@code flip}, then {@link RandomCrop}({@code cropSize}), then {@link ToTensorLab} (or, for IS-Net,
 * {@link IsNetNormalize}: {@code normalisation}). The flip
 * comes before the crop because the original flips inside RandomCrop before choosing the window.
 *
 * <p>Deterministic: {@link #apply} draws from a fresh {@link SplittableRandom} seeded with {@code seed}
 * (an algorithm fixed by the JDK specification), in the order flip(s), top, left. Use
 * {@link #withSeed} to give every sample and epoch its own seed.
 */
public record TrainingTransform(
        int rescaleSize, int cropSize, FlipMode flip, long seed, InputNormalisation normalisation) {

    /** The sizes of the paper and the original code. */
    public static final int RESCALE = 320;

    public static final int CROP = 288;

    public TrainingTransform {
        Objects.requireNonNull(flip, "flip");
        Objects.requireNonNull(normalisation, "normalisation");
        if (cropSize <= 0 || cropSize > rescaleSize) {
            throw new IllegalArgumentException(
                    "need 0 < cropSize <= rescaleSize, got " + cropSize + " and " + rescaleSize);
        }
    }

    /** U²-Net's pipeline ({@link ToTensorLab}). */
    public TrainingTransform(int rescaleSize, int cropSize, FlipMode flip, long seed) {
        this(rescaleSize, cropSize, flip, seed, InputNormalisation.TO_TENSOR_LAB);
    }

    /** RescaleT(320), RandomCrop(288) with the given flips and seed. */
    public static TrainingTransform standard(FlipMode flip, long seed) {
        return new TrainingTransform(RESCALE, CROP, flip, seed);
    }

    public TrainingTransform withSeed(long newSeed) {
        return new TrainingTransform(rescaleSize, cropSize, flip, newSeed, normalisation);
    }

    public TensorSample apply(Sample sample) {
        SplittableRandom rng = new SplittableRandom(seed);
        Sample rescaled = new RescaleT(rescaleSize).apply(sample);
        Sample flipped = Flip.random(rescaled, flip, rng);
        Sample cropped = new RandomCrop(cropSize).apply(flipped, rng);
        return normalisation.apply(cropped);
    }
}
