package clearbg.jobs.files;

import java.util.Locale;
import java.util.Set;

/** Stems and extensions of file names, and which extensions are taken as images. */
public final class FileNames {

    /** Extensions taken as images when walking folders (what the decoder reads). */
    public static final Set<String> IMAGE_EXTENSIONS =
            Set.of("jpg", "jpeg", "png", "bmp", "webp", "tif", "tiff", "gif");

    private FileNames() {}

    /** {@code a/b/c.jpg -> a/b/c}; a name without a dot (or starting with one) is its own stem. */
    public static String stem(String name) {
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        return dot > slash + 1 ? name.substring(0, dot) : name;
    }

    /** The lower-case extension without the dot, or "" when there is none. */
    public static String extension(String name) {
        int dot = name.lastIndexOf('.');
        int slash = name.lastIndexOf('/');
        return dot > slash + 1 ? name.substring(dot + 1).toLowerCase(Locale.ROOT) : "";
    }

    /** Whether {@code name} has an image extension. */
    public static boolean isImage(String name) {
        return IMAGE_EXTENSIONS.contains(extension(name));
    }
}
