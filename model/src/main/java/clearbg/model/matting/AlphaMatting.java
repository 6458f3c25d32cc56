package clearbg.model.matting;

import clearbg.model.image.FloatImage;

/**
 * rembg's {@code alpha_matting_cutout}: the trimap of the mask ({@link Trimap}), the closed-form alpha
 * ({@link ClosedFormMatting}) of the photo scaled to 0..1, the foreground colours ({@link
 * ForegroundEstimation}), and both scaled back to 8 bits by truncation ({@code uint8(clip(255 v, 0, 255))}).
 *
 * @param foregroundThreshold {@code af}: mask values above it are sure foreground (rembg: 240)
 * @param backgroundThreshold {@code ab}: mask values below it are sure background (rembg: 10)
 * @param erodeSize {@code ae}: side of the square that erodes both sure regions (rembg: 10; 0: the 3x3 cross)
 */
public record AlphaMatting(int foregroundThreshold, int backgroundThreshold, int erodeSize) {

    /**
     * Bytes per pixel the recipe allocates at once: the Laplacian's 25 doubles per pixel (200), the photo as
     * doubles and floats (36), the system's vectors and the solver's (about 80) and the foreground levels
     * (about 50), rounded up.
     */
    public static final long WORK_BYTES_PER_PIXEL = 400;

    /**
     * Most pixels an image may have to be matted: the Laplacian's 25 values per pixel must fit one Java array
     * ({@code 25 n <= Integer.MAX_VALUE - 8}), so every index stays a checked {@code int}. Services set far
     * lower caps of their own (the work grows faster than the pixels).
     */
    public static final long MAX_PIXELS = (Integer.MAX_VALUE - 8) / MattingLaplacian.ENTRIES_PER_PIXEL;

    /** rembg's defaults: {@code af=240, ab=10, ae=10}. */
    public static final AlphaMatting REMBG_DEFAULTS = new AlphaMatting(240, 10, 10);

    public AlphaMatting {
        if (foregroundThreshold < 0
                || foregroundThreshold > 255
                || backgroundThreshold < 0
                || backgroundThreshold > 255) {
            throw new IllegalArgumentException(
                    "af and ab must be 0..255, got " + foregroundThreshold + " and " + backgroundThreshold);
        }
        if (erodeSize < 0 || erodeSize > 1000) {
            throw new IllegalArgumentException("ae must be 0..1000, got " + erodeSize);
        }
    }

    /**
     * The matted cut-out of {@code photo} (RGB, 0..255) under {@code mask} (8-bit, same size).
     *
     * @param colour the foreground colours (RGB, whole numbers 0..255)
     * @param alpha the matte (8 bits per pixel)
     */
    public record Cutout(FloatImage colour, byte[] alpha) {}

    /** Applies the recipe to the end. */
    public Cutout apply(FloatImage photo, byte[] mask) {
        return apply(photo, mask, MattingStop.NEVER);
    }

    /**
     * Applies the recipe, polling {@code stop} as it goes.
     *
     * @throws IllegalArgumentException when the photo has more than {@link #MAX_PIXELS} pixels
     * @throws MattingStoppedException when {@code stop} gave a reason before the cut-out was done
     */
    public Cutout apply(FloatImage photo, byte[] mask, MattingStop stop) {
        int w = photo.width();
        int h = photo.height();
        long pixels = (long) w * h;
        if (pixels > MAX_PIXELS) {
            throw new IllegalArgumentException(
                    "a " + w + "x" + h + " image is too large for alpha matting (at most " + MAX_PIXELS + " pixels)");
        }
        int n = (int) pixels;
        double[] rgb = new double[n * 3];
        float[] rgbFloat = new float[n * 3];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                double v = photo.get(i % w, i / w, photo.channels() == 1 ? 0 : c) / 255.0;
                rgb[i * 3 + c] = v;
                rgbFloat[i * 3 + c] = (float) v;
            }
        }
        byte[] trimap = Trimap.of(mask, w, h, foregroundThreshold, backgroundThreshold, erodeSize);
        stop.check();
        double[] alpha = ClosedFormMatting.alpha(rgb, trimap, w, h, stop);
        float[] alphaFloat = new float[n];
        byte[] alpha8 = new byte[n];
        for (int i = 0; i < n; i++) {
            alphaFloat[i] = (float) alpha[i];
            alpha8[i] = (byte) Math.min(255, (int) (alpha[i] * 255));
        }
        float[] foreground = ForegroundEstimation.foreground(rgbFloat, alphaFloat, w, h, stop);
        float[] colour = new float[n * 3];
        for (int i = 0; i < colour.length; i++) {
            colour[i] = (float) Math.min(255, Math.floor(foreground[i] * 255.0));
        }
        return new Cutout(FloatImage.of(w, h, 3, colour), alpha8);
    }
}
