package clearbg.model.transform;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import clearbg.model.image.FloatImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    /** value = 100 y + x (+ 0.5 c for colour channels), so positions can be read back. */
    private static FloatImage ramp(int w, int h, int channels) {
        float[] data = new float[w * h * channels];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < channels; c++) {
                    data[(y * w + x) * channels + c] = 100 * y + x + 0.5f * c;
                }
            }
        }
        return FloatImage.of(w, h, channels, data);
    }

    private static Sample rampSample(int w, int h) {
        return new Sample(ramp(w, h, 3), ramp(w, h, 1));
    }

    @Test
    void cropOffsetsExcludeTheUpperBoundLikeNumpyRandint() {
        RandomCrop crop = new RandomCrop(3);
        Sample s = rampSample(6, 5);
        TreeSet<Integer> tops = new TreeSet<>();
        TreeSet<Integer> lefts = new TreeSet<>();
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 500; i++) {
            Sample out = crop.apply(s, rng);
            int top = (int) (out.label().get(0, 0, 0) / 100);
            int left = (int) (out.label().get(0, 0, 0) % 100);
            tops.add(top);
            lefts.add(left);
            assertEquals(out.label().get(0, 0, 0) + 0.5f, out.image().get(0, 0, 1));
            assertEquals(100 * (top + 2) + left + 2, out.label().get(2, 2, 0));
        }
        assertEquals(new TreeSet<>(Arrays.asList(0, 1)), tops);
        assertEquals(new TreeSet<>(Arrays.asList(0, 1, 2)), lefts);
    }

    @Test
    void cropOfExactSizeIsTheWholeImageAndTooSmallFails() {
        Sample s = rampSample(4, 3);
        assertThrows(IllegalArgumentException.class, () -> new RandomCrop(4).apply(s, new SplittableRandom(0)));
        Sample exact = new RandomCrop(3).apply(rampSample(3, 3), new SplittableRandom(0));
        assertArrayEquals(rampSample(3, 3).image().data(), exact.image().data());
    }

    @Test
    void flipsMirrorImageAndLabelTogether() {
        Sample s = rampSample(4, 3);
        Sample h = Flip.horizontal(s);
        assertEquals(s.image().get(3, 1, 2), h.image().get(0, 1, 2));
        assertEquals(s.label().get(0, 2, 0), h.label().get(3, 2, 0));
        Sample v = Flip.vertical(s);
        assertEquals(s.image().get(1, 0, 1), v.image().get(1, 2, 1));
        assertEquals(s.label().get(2, 2, 0), v.label().get(2, 0, 0));
        assertArrayEquals(s.image().data(), Flip.vertical(v).image().data());
        assertArrayEquals(
                s.image().data(),
                Flip.random(s, FlipMode.NONE, new SplittableRandom(3)).image().data());
    }

    @Test
    void randomFlipHappensAboutHalfTheTime() {
        Sample s = rampSample(4, 3);
        SplittableRandom rng = new SplittableRandom(11);
        int flipped = 0;
        for (int i = 0; i < 1000; i++) {
            flipped += Flip.random(s, FlipMode.VERTICAL, rng).label().get(0, 0, 0) == 200f ? 1 : 0;
        }
        assertEquals(500, flipped, 60);
    }

    @Test
    void toTensorLabEdgeCases() {
        FloatImage black = FloatImage.zeros(2, 2, 3);
        FloatImage emptyLabel = FloatImage.zeros(2, 2, 1);
        TensorSample t = ToTensorLab.apply(new Sample(black, emptyLabel));
        assertEquals((float) (-0.485 / 0.229), t.image()[0], 1e-6);
        assertEquals((float) (-0.406 / 0.225), t.image()[11], 1e-6);
        assertArrayEquals(new float[4], t.label());
    }

    @Test
    void trainingTransformIsDeterministicPerSeed() {
        SplittableRandom fill = new SplittableRandom(5);
        float[] pixels = new float[40 * 30 * 3];
        float[] mask = new float[40 * 30];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = fill.nextInt(256);
        }
        for (int i = 0; i < mask.length; i++) {
            mask[i] = fill.nextBoolean() ? 255 : 0;
        }
        Sample s = new Sample(FloatImage.of(40, 30, 3, pixels), FloatImage.of(40, 30, 1, mask));
        TrainingTransform t = new TrainingTransform(20, 16, FlipMode.BOTH, 42);
        TensorSample a = t.apply(s);
        TensorSample b = t.apply(s);
        assertEquals(16, a.width());
        assertEquals(16, a.height());
        assertArrayEquals(a.image(), b.image());
        assertArrayEquals(a.label(), b.label());
        assertFalse(Arrays.equals(a.image(), t.withSeed(43).apply(s).image()));

        TensorSample standard = TrainingTransform.standard(FlipMode.VERTICAL, 1).apply(s);
        assertEquals(288, standard.width());
        assertEquals(3 * 288 * 288, standard.image().length);
    }

    @Test
    void isNetNormalisationIsOver255MinusAHalfAsItsInference() {
        Sample s = rampSample(20, 16);
        TensorSample t = IsNetNormalize.apply(s);
        float[] image = s.image().data();
        float[] label = s.label().data();
        int plane = 20 * 16;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(image[3 * i + c] / 255f - 0.5f, t.image()[c * plane + i], 0f);
            }
            assertEquals(label[i] / 255f, t.label()[i], 0f);
        }
        assertEquals(
                InputNormalisation.IS_NET,
                new TrainingTransform(20, 16, FlipMode.NONE, 3, InputNormalisation.IS_NET)
                        .withSeed(4)
                        .normalisation());
    }
}
