package clearbg.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import clearbg.model.testing.Fixtures;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class MaskDecoderTest {

    private final MaskDecoder masks = new MaskDecoder();

    @Test
    void colourMaskMatchesOpenCvGreyscaleExactly() {
        FloatImage grey = masks.decode(Fixtures.resource("image/colour_mask.png"), "colour_mask.png");
        byte[] cv2 = Fixtures.u8("colour_mask_cv2_grey");
        assertEquals(1, grey.channels());
        assertEquals(cv2.length, grey.width() * grey.height());
        for (int i = 0; i < cv2.length; i++) {
            assertEquals(cv2[i] & 0xFF, grey.data()[i], "pixel " + i);
        }
    }

    @Test
    void luminanceFormula() {
        FloatImage rgb = FloatImage.of(3, 1, 3, new float[] {255, 0, 0, 0, 255, 0, 90, 90, 90});
        FloatImage grey = MaskDecoder.toGrey(rgb);
        assertEquals(76f, grey.get(0, 0, 0)); // 255 * 9798 / 32768 = 76.25
        assertEquals(149f, grey.get(1, 0, 0)); // 149.69, truncated
        assertEquals(90f, grey.get(2, 0, 0));
    }

    @Test
    void greyMaskUnchanged() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSample(1, 1, 0, 129);
        FloatImage grey = masks.decode(Encoded.of(image, "png"), "m.png");
        assertEquals(129f, grey.get(1, 1, 0));
        assertSame(grey, MaskDecoder.toGrey(grey));
    }
}
