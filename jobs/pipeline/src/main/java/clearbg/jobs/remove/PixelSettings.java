package clearbg.jobs.remove;

import clearbg.jobs.files.OutputLayout;
import clearbg.jobs.files.Sha256;
import clearbg.jobs.options.NetworkSettings;
import clearbg.model.image.Rgba;
import clearbg.model.matting.AlphaMatting;
import java.io.Serializable;
import java.util.Locale;

/**
 * Every setting of a removal that changes the pixels of its outputs, as given (the weights are not here: their
 * own SHA-256 is recorded beside). Its {@link #canonical()} text is
 * {@code v1;arch=A;size=S;engine=E;precision=P;format=F;post_process=B;alpha_matting=M;bgcolor=C}, where A is the
 * architecture or {@code auto} (taken from the weights), S the input side or {@code default}, M {@code off} or
 * {@code foreground,background,erode}, C {@code none} or {@code r,g,b,a}; the {@link #fingerprint()} is the SHA-256
 * of that text. Equal settings give equal fingerprints; a setting left to its default and the same value given
 * explicitly ({@code --size 320} for u2net) count as different, which costs a redo, never a wrong skip.
 */
public record PixelSettings(
        String arch,
        int size,
        String engine,
        String precision,
        OutputLayout.Format format,
        boolean postProcess,
        AlphaMatting alphaMatting,
        Rgba background)
        implements Serializable {

    /** The pixel settings of a removal with {@code network} writing {@code format} as {@code settings} say. */
    public static PixelSettings of(NetworkSettings network, OutputLayout.Format format, RemoveSettings settings) {
        return new PixelSettings(
                network.arch() == null ? "auto" : lower(network.arch().name()),
                network.size(),
                lower(network.engine().name()),
                lower(network.precision().name()),
                format,
                settings.postProcess(),
                settings.alphaMatting(),
                settings.background());
    }

    /** The settings as one line of text (see the class comment). */
    public String canonical() {
        return "v1;arch=" + arch
                + ";size=" + (size == 0 ? "default" : Integer.toString(size))
                + ";engine=" + engine
                + ";precision=" + precision
                + ";format=" + lower(format.name())
                + ";post_process=" + postProcess
                + ";alpha_matting="
                + (alphaMatting == null
                        ? "off"
                        : alphaMatting.foregroundThreshold() + "," + alphaMatting.backgroundThreshold() + ","
                                + alphaMatting.erodeSize())
                + ";bgcolor="
                + (background == null
                        ? "none"
                        : background.r() + "," + background.g() + "," + background.b() + "," + background.a());
    }

    /** The SHA-256 of {@link #canonical()}. */
    public String fingerprint() {
        return Sha256.ofText(canonical());
    }

    private static String lower(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
