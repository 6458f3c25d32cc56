package clearbg.model.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clearbg.model.image.FloatImage;
import clearbg.model.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * Parity with scikit-image 0.25 resize (anti_aliasing=False), the original ToTensorLab and Pillow's
 * BILINEAR resize of mode "F", from fixtures written by scripts/reference/make_image_fixtures.py.
 * Tolerances: resized images 1e-5 (on 0..1), normalised tensors 1e-5, labels exact, Pillow 1e-5.
 */
class TransformParityTest {

    private static FloatImage hwc(String name) {
        int[] s = Fixtures.shape(name);
        return FloatImage.of(s[1], s[0], s.length == 3 ? s[2] : 1, Fixtures.f32(name));
    }

    private static Sample input() {
        return new Sample(hwc("input_image"), hwc("input_label"));
    }

    private static void assertClose(float[] expected, float[] actual, double scale, double tolerance) {
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i] * scale, tolerance, "element " + i);
        }
    }

    @Test
    void rescaleDownMatchesSkimage() {
        Sample out = new RescaleT(16).apply(input());
        assertClose(Fixtures.f32("rescale16_image"), out.image().data(), 1 / 255.0, 1e-5);
        assertClose(Fixtures.f32("rescale16_label"), out.label().data(), 1, 0);
    }

    @Test
    void rescaleUpMatchesSkimageIncludingZeroBorder() {
        Sample out = new RescaleT(50).apply(input());
        assertClose(Fixtures.f32("rescale50_image"), out.image().data(), 1 / 255.0, 1e-5);
        assertClose(Fixtures.f32("rescale50_label"), out.label().data(), 1, 0);
    }

    @Test
    void nearestTiesRoundUpLikeSkimage() {
        FloatImage label = hwc("input_even_label");
        FloatImage out = SkimageResize.nearest(label, 18, 12);
        assertClose(Fixtures.f32("rescale_tie_label"), out.data(), 1, 0);
    }

    @Test
    void toTensorLabRgbAndLabel() {
        TensorSample t = ToTensorLab.apply(input());
        assertClose(Fixtures.f32("tolab_rgb_image"), t.image(), 1, 1e-5);
        assertClose(Fixtures.f32("tolab_rgb_label"), t.label(), 1, 1e-6);
    }

    @Test
    void toTensorLabGreyUsesChannelZeroStatistics() {
        TensorSample t = ToTensorLab.apply(new Sample(hwc("input_grey"), hwc("input_label")));
        assertClose(Fixtures.f32("tolab_grey_image"), t.image(), 1, 1e-5);
    }

    @Test
    void resamplerMatchesPillowBilinear() {
        FloatImage map = hwc("input_map");
        int[][] sizes = {{10, 7}, {61, 40}, {37, 50}, {5, 23}, {100, 3}};
        for (int[] size : sizes) {
            FloatImage out = Resampler.bilinear(map, size[0], size[1]);
            assertEquals(size[0], out.width());
            assertEquals(size[1], out.height());
            assertClose(Fixtures.f32("pil_" + size[0] + "x" + size[1]), out.data(), 1, 1e-5);
        }
    }
}
