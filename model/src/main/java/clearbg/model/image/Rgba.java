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

    /**
     * The colour written {@code R,G,B} or {@code R,G,B,A} (alpha 255 when left out), each 0..255.
     *
     * @throws IllegalArgumentException naming the value and what is wrong with it
     */
    public static Rgba parse(String value) {
        String[] parts = value.split(",");
        if (parts.length != 3 && parts.length != 4) {
            throw new IllegalArgumentException("expected R,G,B or R,G,B,A with values 0..255, got '" + value + "'");
        }
        int[] channels = {0, 0, 0, 255};
        for (int i = 0; i < parts.length; i++) {
            try {
                channels[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'" + parts[i].trim() + "' in '" + value + "' is not a number 0..255");
            }
            if (channels[i] < 0 || channels[i] > 255) {
                throw new IllegalArgumentException(channels[i] + " in '" + value + "' is outside 0..255");
            }
        }
        return new Rgba(channels[0], channels[1], channels[2], channels[3]);
    }

    /** True when {@code a == 255}. */
    public boolean opaque() {
        return a == 255;
    }
}
