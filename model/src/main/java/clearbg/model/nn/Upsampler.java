package clearbg.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * Bilinear resizing of an {@code N x C x H x W} tensor to {@code height x width} with
 * {@code align_corners=False} (output pixel {@code i} samples the input at {@code (i + 0.5) * in/out - 0.5},
 * clamped to the border): PyTorch's {@code F.interpolate(x, size, mode='bilinear')}, as U²-Net upsamples.
 * Implementations differ in the tensor types they accept.
 */
@FunctionalInterface
public interface Upsampler {

    /** DJL's libtorch interpolation, float32 (and float16) tensors. */
    Upsampler DJL = Resampling::djlBilinear;

    /** {@code src} resized to {@code height x width}. */
    NDArray bilinear(NDArray src, long height, long width);
}
