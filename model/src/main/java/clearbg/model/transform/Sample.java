package clearbg.model.transform;

import clearbg.model.image.FloatImage;
import java.util.Objects;

/**
 * A training pair: an image (1 or 3 channels) and its 1-channel label of the same width and height.
 */
public record Sample(FloatImage image, FloatImage label) {

    public Sample {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(label, "label");
        if (label.channels() != 1) {
            throw new IllegalArgumentException("label must have 1 channel, got " + label.channels());
        }
        if (image.width() != label.width() || image.height() != label.height()) {
            throw new IllegalArgumentException("image " + image.width() + "x" + image.height() + " and label "
                    + label.width() + "x" + label.height() + " differ in size");
        }
    }

    public int width() {
        return image.width();
    }

    public int height() {
        return image.height();
    }
}
