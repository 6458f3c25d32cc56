package clearbg.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** The spatial operations of U²-Net on NCHW tensors, with the original's PyTorch semantics. */
final class Resampling {

    private static final int BILINEAR = 1;
    private static final Shape TWO_BY_TWO = new Shape(2, 2);
    private static final Shape NO_PADDING = new Shape(0, 0);

    private Resampling() {}

    /**
     * 2x2 max-pooling with stride 2 in ceil mode: an {@code H x W} map becomes
     * {@code ceil(H/2) x ceil(W/2)}, the last window clipped at the border.
     */
    static NDArray maxPoolCeil(NDArray x) {
        return Pool.maxPool2d(x, TWO_BY_TWO, TWO_BY_TWO, NO_PADDING, true);
    }

    /**
     * {@code src} resized by {@code upsampler} to the spatial size of {@code target}, or {@code src} itself
     * when the sizes already agree (interpolation is then the identity).
     */
    static NDArray upsampleLike(NDArray src, NDArray target, Upsampler upsampler) {
        Shape s = src.getShape();
        Shape t = target.getShape();
        if (s.get(2) == t.get(2) && s.get(3) == t.get(3)) {
            return src;
        }
        return upsampler.bilinear(src, t.get(2), t.get(3));
    }

    /**
     * DJL's bilinear interpolation. DJL 0.36 maps this mode to libtorch's anti-aliased bilinear kernel, which
     * equals the plain one when enlarging (the only direction U²-Net resizes) but has no bfloat16 version.
     */
    static NDArray djlBilinear(NDArray src, long height, long width) {
        return src.getNDArrayInternal().interpolation(new long[] {height, width}, BILINEAR, false);
    }

    /** Concatenation along the channel axis. */
    static NDArray concatChannels(NDArray first, NDArray second) {
        return NDArrays.concat(new NDList(first, second), 1);
    }
}
