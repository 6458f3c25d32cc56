package clearbg.jobs.report;

/**
 * Text from outside (a file name, a header, a client's field) made safe to print on one line of a log or a
 * terminal: control characters (line breaks, escapes, NUL, DEL, the C1 range, line and paragraph separators)
 * become {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX}, a backslash becomes two, and text longer
 * than {@value #MAX_CHARS} characters is cut with an ellipsis. A name can then neither fake a line of its own
 * nor move the cursor.
 */
public final class Printable {

    /** Longest text printed before it is cut. */
    public static final int MAX_CHARS = 300;

    private Printable() {}

    /** {@code text} escaped as described above. */
    public static String of(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 8);
        for (int i = 0; i < text.length(); i++) {
            if (out.length() >= MAX_CHARS) {
                return out.append('…').toString();
            }
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
