package clearbg.model.image;

/**
 * An 8-bit colour with alpha, each component 0..255; used as the background of a composite.
 */
public record Rgba(int r, int g, int b, int a) {

    public static final Rgba WHITE = new Rgba(255, 255, 255, 255);
    public static final Rgba BLACK = new Rgba(0, 0, 0, 255);

    public Rgba {
        for (int v : new int[] {r, g, b, a}) {
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException(
                        "colour components must be 0..255, got " + r + "," + g + "," + b + "," + a);
            }
        }
    }

    /** True when {@code a == 255}. */
    public boolean opaque() {
        return a == 255;
    }
}
