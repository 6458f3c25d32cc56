package clearbg.jobs.options;

import clearbg.model.image.Rgba;
import picocli.CommandLine;

/** Parses {@code R,G,B} or {@code R,G,B,A}, each 0..255 (alpha defaults to 255). */
public final class RgbaOption implements CommandLine.ITypeConverter<Rgba> {

    @Override
    public Rgba convert(String value) {
        try {
            return Rgba.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
