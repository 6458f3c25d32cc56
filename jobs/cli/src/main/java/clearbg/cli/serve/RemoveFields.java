package clearbg.cli.serve;

import clearbg.model.image.Rgba;
import clearbg.model.matting.AlphaMatting;
import java.util.Locale;
import java.util.function.Function;

/**
 * The form fields of rembg's {@code POST /api/remove}, read as rembg reads them.
 *
 * @param maskOnly {@code om}: answer the mask instead of the cut-out
 * @param postProcess {@code ppm}: smooth the mask as rembg's {@code post_process_mask} does
 * @param background {@code bgc}: {@code r,g,b,a} to composite the cut-out on, or null (transparent)
 * @param alphaMatting {@code a} with {@code af}, {@code ab}, {@code ae} (rembg's defaults 240, 10, 10): refine
 *     the cut-out's edges by alpha matting; null without {@code a}
 * @param model {@code model}: the name of the served network to use, or null for the server's default
 */
record RemoveFields(boolean maskOnly, boolean postProcess, Rgba background, AlphaMatting alphaMatting, String model) {

    /**
     * The fields given by {@code field} (null when absent).
     *
     * @throws IllegalArgumentException naming the field and what is wrong with it
     */
    static RemoveFields parse(Function<String, String> field) {
        Rgba background = null;
        String bgc = field.apply("bgc");
        if (bgc != null && !bgc.isBlank()) {
            try {
                background = Rgba.parse(bgc);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("bgc: " + e.getMessage(), e);
            }
        }
        int af = integer(field, "af", AlphaMatting.REMBG_DEFAULTS.foregroundThreshold());
        int ab = integer(field, "ab", AlphaMatting.REMBG_DEFAULTS.backgroundThreshold());
        int ae = integer(field, "ae", AlphaMatting.REMBG_DEFAULTS.erodeSize());
        AlphaMatting matting = null;
        if (flag(field, "a")) {
            matting = new AlphaMatting(af, ab, ae);
        }
        String model = field.apply("model");
        return new RemoveFields(
                flag(field, "om"),
                flag(field, "ppm"),
                background,
                matting,
                model == null || model.isBlank() ? null : model.trim());
    }

    /** A whole-number field, {@code fallback} when absent. */
    private static int integer(Function<String, String> field, String name, int fallback) {
        String value = field.apply(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        if (!value.trim().matches("\\d{1,6}")) {
            throw new IllegalArgumentException(name + ": expected a whole number, got '" + value + "'");
        }
        return Integer.parseInt(value.trim());
    }

    /** A boolean field as FastAPI (rembg's server) reads one: true/1/yes/on or false/0/no/off, absent = false. */
    private static boolean flag(Function<String, String> field, String name) {
        String value = field.apply(name);
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException(name + ": expected true or false, got '" + value + "'");
        };
    }
}
