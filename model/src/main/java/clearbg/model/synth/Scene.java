package clearbg.model.synth;

import java.awt.image.BufferedImage;

/**
 * One generated photo and its ground truth.
 *
 * @param photo the RGB photo
 * @param mask the 8-bit grey mask (255 object, 0 background, anti-aliased edges), the photo's size
 * @param family the shape family of the salient object
 */
public record Scene(BufferedImage photo, BufferedImage mask, ShapeFamily family) {}
