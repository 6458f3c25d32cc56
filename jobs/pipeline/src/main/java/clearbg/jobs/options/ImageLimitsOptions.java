package clearbg.jobs.options;

import clearbg.model.image.DecodeLimits;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The image limits every command that decodes images takes, declared once ({@code @Mixin}): the pixel
 * limit, the file-size cap and the share of the heap images may hold at once. Yields {@link DecodeLimits}.
 */
public final class ImageLimitsOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
            names = "--max-pixels",
            defaultValue = "100000000",
            paramLabel = "N",
            description = "refuse images of more than N pixels, from their header (default ${DEFAULT-VALUE})")
    long maxPixels;

    @Option(
            names = "--max-file-bytes",
            defaultValue = "256m",
            paramLabel = "SIZE",
            converter = ByteSize.class,
            description = "refuse files or objects larger than SIZE (bytes, or with k, m, g), from their listed size "
                    + "(default ${DEFAULT-VALUE})")
    long maxFileBytes;

    @Option(
            names = "--image-memory",
            defaultValue = "50",
            paramLabel = "PERCENT",
            description = "share of the JVM heap the images being processed may hold at once (1-90, default "
                    + "${DEFAULT-VALUE}); an image needing more is refused, one needing more than is free waits")
    int imageMemoryPercent;

    /** The limits, checked. */
    public DecodeLimits limits() {
        if (maxPixels < 1) {
            throw new ParameterException(spec.commandLine(), "--max-pixels must be at least 1, got " + maxPixels);
        }
        if (maxFileBytes < 1) {
            throw new ParameterException(
                    spec.commandLine(), "--max-file-bytes must be at least 1, got " + maxFileBytes);
        }
        if (imageMemoryPercent < 1 || imageMemoryPercent > 90) {
            throw new ParameterException(
                    spec.commandLine(), "--image-memory must be 1..90 (percent), got " + imageMemoryPercent);
        }
        return new DecodeLimits(maxPixels, maxFileBytes, imageMemoryPercent);
    }

    /** A byte count: digits, optionally followed by k, m or g (powers of 1024). */
    public static final class ByteSize implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String text = value.trim().toLowerCase(Locale.ROOT);
            int shift = switch (text.isEmpty() ? ' ' : text.charAt(text.length() - 1)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                default -> 0;
            };
            String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
            try {
                return Math.multiplyExact(Long.parseLong(digits), 1L << shift);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "'" + value + "' is not a size (bytes, or a number with k, m or g)");
            }
        }
    }
}
