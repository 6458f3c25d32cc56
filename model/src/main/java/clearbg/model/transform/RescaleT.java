package clearbg.model.transform;

import clearbg.model.image.FloatImage;

/**
 * U²-Net's {@code RescaleT}: resizes image and label to {@code size x size}, ignoring the aspect ratio
 * (the original computes an aspect-preserving size and then does not use it).
 *
 * <ul>
 *   <li>Image: {@code skimage.transform.resize(image, (size, size), mode='constant')}, order 1 (bilinear)
 *       with pixel-centre mapping {@code src = (dst + 0.5) * in / out - 0.5} and 0 outside the image.
 *       <b>No anti-aliasing</b>: this equals {@code anti_aliasing=False}. Current scikit-image (0.19+)
 *       defaults to a Gaussian pre-filter with {@code sigma = (in/out - 1) / 2} when shrinking a non-integer
 *       or order-1 image; that is deliberately not reproduced.</li>
 *   <li>Label: order 0 (nearest) with {@code preserve_range=True}: source index
 *       {@code floor((dst + 0.5) * in / out)}, i.e. the mapped coordinate rounded half up.</li>
 *   <li>Values keep their range: skimage would also divide a uint8 image by 255, which does not matter
 *       downstream because {@link ToTensorLab} divides by the image maximum.</li>
 * </ul>
 */
public record RescaleT(int size) {

    public RescaleT {
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive, got " + size);
        }
    }

    /** Resizes image (bilinear) and label (nearest) to {@code size x size}. */
    public Sample apply(Sample sample) {
        return new Sample(image(sample.image()), SkimageResize.nearest(sample.label(), size, size));
    }

    /** Resizes an image alone (bilinear), as at inference time. */
    public FloatImage image(FloatImage image) {
        return SkimageResize.bilinear(image, size, size);
    }
}
