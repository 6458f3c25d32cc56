package clearbg.model.metric;

import java.util.Arrays;

/**
 * Binary morphology and connected components on row-major boolean masks, with the border conventions of the
 * references that the DIS metrics follow. The structuring element is always the 3x3 cross ({@code
 * skimage.morphology.disk(1)}): a pixel and its four edge neighbours.
 *
 * <ul>
 *   <li>{@link #erodeCross} with {@code outside = true} is {@code cv2.erode} (OpenCV's default border for erosion
 *       is the largest value, so pixels outside the image never erode anything); with {@code outside = false} it
 *       is skimage's {@code erosion} of a zero-padded map (pixels on the frame erode).</li>
 *   <li>{@link #dilateCross} is {@code cv2.dilate} (the default border value for dilation is the smallest, so the
 *       outside never dilates into the image).</li>
 *   <li>{@link #label8} labels 8-connected components as {@code skimage.measure.label} does by default for a 2-D
 *       image (connectivity 2).</li>
 * </ul>
 * Package-private; arrays are never modified in place.
 */
final class BinaryMask {

    private BinaryMask() {}

    /** One erosion by the 3x3 cross; {@code outside} is the value assumed beyond the image's edge. */
    static boolean[] erodeCross(boolean[] mask, int width, int height, boolean outside) {
        // row by row, one neighbour at a time: simple loops the JIT vectorises; the same result as per pixel
        boolean[] out = new boolean[mask.length];
        for (int y = 0; y < height; y++) {
            int row = y * width;
            System.arraycopy(mask, row, out, row, width);
            for (int i = row + 1; i < row + width; i++) {
                out[i] &= mask[i - 1];
            }
            for (int i = row; i < row + width - 1; i++) {
                out[i] &= mask[i + 1];
            }
            out[row] &= outside;
            out[row + width - 1] &= outside;
            if (y > 0) {
                for (int i = row; i < row + width; i++) {
                    out[i] &= mask[i - width];
                }
            } else if (!outside) {
                Arrays.fill(out, row, row + width, false);
            }
            if (y < height - 1) {
                for (int i = row; i < row + width; i++) {
                    out[i] &= mask[i + width];
                }
            } else if (!outside) {
                Arrays.fill(out, row, row + width, false);
            }
        }
        return out;
    }

    /** One dilation by the 3x3 cross; nothing outside the image is set. */
    static boolean[] dilateCross(boolean[] mask, int width, int height) {
        boolean[] out = new boolean[mask.length];
        for (int y = 0; y < height; y++) {
            int row = y * width;
            System.arraycopy(mask, row, out, row, width);
            for (int i = row + 1; i < row + width; i++) {
                out[i] |= mask[i - 1];
            }
            for (int i = row; i < row + width - 1; i++) {
                out[i] |= mask[i + 1];
            }
            if (y > 0) {
                for (int i = row; i < row + width; i++) {
                    out[i] |= mask[i - width];
                }
            }
            if (y < height - 1) {
                for (int i = row; i < row + width; i++) {
                    out[i] |= mask[i + width];
                }
            }
        }
        return out;
    }

    /** Pixels set in {@code a} and not in {@code b}. */
    static boolean[] andNot(boolean[] a, boolean[] b) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] & !b[i];
        }
        return out;
    }

    static boolean[] and(boolean[] a, boolean[] b) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] & b[i];
        }
        return out;
    }

    static boolean[] or(boolean[] a, boolean[] b) {
        boolean[] out = new boolean[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] | b[i];
        }
        return out;
    }

    /**
     * 8-connected components of the set pixels: {@code labels[i]} is 0 for an unset pixel, else the 1-based
     * component number (in order of each component's first pixel in raster order); the last element of the returned
     * array, {@code labels[mask.length]}, holds the number of components.
     */
    static int[] label8(boolean[] mask, int width, int height) {
        int[] labels = new int[mask.length + 1];
        int[] stack = new int[Math.max(1, mask.length)];
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
