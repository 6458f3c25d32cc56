package clearbg.jobs.files;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the outputs of one input key go, and which keys are refused.
 *
 * <p>{@code a/b/c.jpg} becomes {@code a/b/c.png} (the cut-out or composite) and {@code a/b/c.mask.png}
 * (the mask), beside each other under the output prefix. A key is refused when it could map outside the
 * output prefix or is ambiguous: empty, absolute, with {@code .} or {@code ..} segments, empty segments,
 * backslashes, control characters, percent-encoded bytes, or a form that Unicode NFC normalisation would
 * change.
 */
public final class OutputLayout {

    /** What to write for each input. */
    public enum Format {
        /** the cut-out (RGBA, or on --bgcolor) only */
        CUTOUT,
        /** the mask only */
        MASK,
        /** both */
        BOTH
    }

    private final Format format;

    public OutputLayout(Format format) {
        this.format = format;
    }

    /** Why {@code key} is refused, or empty when it is safe. */
    public static Optional<String> refusal(String key) {
        if (key.isEmpty()) {
            return Optional.of("empty key");
        }
        if (key.startsWith("/")) {
            return Optional.of("absolute key");
        }
        if (key.indexOf('\\') >= 0) {
            return Optional.of("backslash in key");
        }
        if (key.matches(".*%[0-9A-Fa-f]{2}.*")) {
            return Optional.of("percent-encoded characters in key");
        }
        for (int i = 0; i < key.length(); i++) {
            if (Character.isISOControl(key.charAt(i))) {
                return Optional.of("control character in key");
            }
        }
        if (!Normalizer.isNormalized(key, Normalizer.Form.NFC)) {
            return Optional.of("key is not in Unicode NFC form");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return Optional.of("'" + segment + "' path segment in key");
            }
        }
        return Optional.empty();
    }

    /** The cut-out key of a (safe) input key. */
    public static String cutoutKey(String key) {
        return FileNames.stem(key) + ".png";
    }

    /** The mask key of a (safe) input key. */
    public static String maskKey(String key) {
        return FileNames.stem(key) + ".mask.png";
    }

    /** The output keys this layout writes for {@code key}, cut-out first. */
    public List<String> outputKeys(String key) {
        List<String> keys = new ArrayList<>(2);
        if (format != Format.MASK) {
            keys.add(cutoutKey(key));
        }
        if (format != Format.CUTOUT) {
            keys.add(maskKey(key));
        }
        return keys;
    }

    public Format format() {
        return format;
    }
}
