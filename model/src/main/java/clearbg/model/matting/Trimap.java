package clearbg.model.matting;

/**
 * rembg's trimap of a mask: {@code 255} (foreground) where the mask is above {@code foregroundThreshold},
 * {@code 0} (background) where it is below {@code backgroundThreshold}, each region then eroded by SciPy's
 * {@code binary_erosion} with an {@code erodeSize x erodeSize} square (the 3x3 cross when {@code erodeSize}
 * is 0; the square's centre at index {@code erodeSize / 2}); outside the image counts as not foreground when
 * the foreground is eroded and as background when the background is; {@code 128} (unknown) elsewhere.
 */
public final class Trimap {

    /** The value of an unknown pixel. */
    public static final byte UNKNOWN = (byte) 128;

    private Trimap() {}

    /** The trimap of the 8-bit {@code mask} ({@code width x height}, row by row). */
    public static byte[] of(
            byte[] mask, int width, int height, int foregroundThreshold, int backgroundThreshold, int erodeSize) {
        boolean[] foreground = new boolean[mask.length];
        boolean[] background = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            int v = mask[i] & 0xff;
            foreground[i] = v > foregroundThreshold;
            background[i] = v < backgroundThreshold;
        }
        foreground = erode(foreground, width, height, erodeSize, false);
        background = erode(background, width, height, erodeSize, true);
        byte[] trimap = new byte[mask.length];
        for (int i = 0; i < trimap.length; i++) {
            trimap[i] = foreground[i] ? (byte) 255 : background[i] ? 0 : UNKNOWN;
        }
        return trimap;
    }

    /** Binary erosion: true where every pixel under the element is true ({@code border} outside). */
    static boolean[] erode(boolean[] in, int w, int h, int size, boolean border) {
        if (size == 0) {
            return erodeCross(in, w, h, border);
        }
        int low = -(size / 2);
        int high = size - 1 - size / 2;
        boolean[] rows = new boolean[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean all = true;
                for (int d = low; d <= high && all; d++) {
                    int xx = x + d;
                    all = xx < 0 || xx >= w ? border : in[y * w + xx];
                }
                rows[y * w + x] = all;
            }
        }
        boolean[] out = new boolean[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean all = true;
                for (int d = low; d <= high && all; d++) {
                    int yy = y + d;
                    all = yy < 0 || yy >= h ? border : rows[yy * w + x];
                }
                out[y * w + x] = all;
            }
        }
        return out;
    }

    private static boolean[] erodeCross(boolean[] in, int w, int h, boolean border) {
        boolean[] out = new boolean[in.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                out[i] = in[i]
                        && (x > 0 ? in[i - 1] : border)
                        && (x < w - 1 ? in[i + 1] : border)
                        && (y > 0 ? in[i - w] : border)
                        && (y < h - 1 ? in[i + w] : border);
            }
        }
        return out;
    }
}
