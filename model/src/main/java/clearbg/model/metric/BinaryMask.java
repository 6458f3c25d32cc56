package clearbg.model.metric;

import java.util.Arrays;

/**
 * Connected components of row-major boolean masks: {@link #label8} labels 8-connected components as {@code
 * skimage.measure.label} does by default for a 2-D image (connectivity 2). Morphology lives in {@link PackedMask}.
 * Package-private; arrays are never modified in place.
 */
final class BinaryMask {

    private BinaryMask() {}

    /**
     * 8-connected components of the set pixels: {@code labels[i]} is 0 for an unset pixel, else the 1-based
     * component number (in order of each component's first pixel in raster order); the last element of the returned
     * array, {@code labels[mask.length]}, holds the number of components.
     */
    static int[] label8(boolean[] mask, int width, int height) {
        int[] labels = new int[mask.length + 1];
        int[] stack = new int[1024]; // grown on demand: the masks labelled are mostly empty
        int count = 0;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || labels[start] != 0) {
                continue;
            }
            count++;
            int top = 0;
            stack[top++] = start;
            labels[start] = count;
            while (top > 0) {
                int i = stack[--top];
                int x = i % width;
                int y = i / width;
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = y + dy;
                    if (ny < 0 || ny >= height) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        if (nx < 0 || nx >= width) {
                            continue;
                        }
                        int j = ny * width + nx;
                        if (mask[j] && labels[j] == 0) {
                            labels[j] = count;
                            if (top == stack.length) {
                                stack = Arrays.copyOf(stack, 2 * top);
                            }
                            stack[top++] = j;
                        }
                    }
                }
            }
        }
        labels[mask.length] = count;
        return labels;
    }
}
