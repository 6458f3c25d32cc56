package clearbg.jobs.options;

import clearbg.model.image.Rgba;
import picocli.CommandLine;

/** Parses {@code R,G,B} or {@code R,G,B,A}, each 0..255 (alpha defaults to 255). */
public final class RgbaOption implements CommandLine.ITypeConverter<Rgba> {

    @Override
    public Rgba convert(String value) {
        String[] parts = value.split(",");
        if (parts.length != 3 && parts.length != 4) {
            throw new CommandLine.TypeConversionException(
                    "expected R,G,B or R,G,B,A with values 0..255, got '" + value + "'");
        }
        int[] channels = {0, 0, 0, 255};
        for (int i = 0; i < parts.length; i++) {
            try {
                channels[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + parts[i].trim() + "' in '" + value + "' is not a number 0..255");
            }
            if (channels[i] < 0 || channels[i] > 255) {
                throw new CommandLine.TypeConversionException(channels[i] + " in '" + value + "' is outside 0..255");
            }
        }
        return new Rgba(channels[0], channels[1], channels[2], channels[3]);
    }
}
