package clearbg.model.transform;

import java.util.Objects;

/**
 * Network input and target as planar (CHW) float arrays: {@code image} is {@code 3 x height x width},
 * {@code label} is {@code 1 x height x width}. The arrays are shared, not copied.
 */
public record TensorSample(int width, int height, float[] image, float[] label) {

    public TensorSample {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(label, "label");
        long plane = (long) width * height;
        if (width <= 0 || height <= 0 || image.length != 3 * plane || label.length != plane) {
            throw new IllegalArgumentException(
                    "arrays do not match 3x" + height + "x" + width + " and 1x" + height + "x" + width);
        }
    }
}
