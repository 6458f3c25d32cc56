package clearbg.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FloatImageTest {

    @Test
    void hwcIndexing() {
        float[] data = new float[2 * 3 * 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        FloatImage image = FloatImage.of(3, 2, 3, data);
        assertEquals((1 * 3 + 2) * 3 + 1, image.get(2, 1, 1));
        assertEquals(17f, image.max());
        assertThrows(IndexOutOfBoundsException.class, () -> image.get(3, 0, 0));
    }

    @Test
    void validation() {
        assertThrows(IllegalArgumentException.class, () -> FloatImage.of(2, 2, 2, new float[8]));
        assertThrows(IllegalArgumentException.class, () -> FloatImage.of(2, 2, 1, new float[5]));
        assertThrows(IllegalArgumentException.class, () -> FloatImage.of(0, 2, 1, new float[0]));
    }
}
