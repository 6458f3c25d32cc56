package clearbg.jobs.options;

import clearbg.model.nn.Arch;
import picocli.CommandLine;

/** Parses {@code --arch} ({@link Arch#parse}: u2net, u2netp, isnet, isnet-gt-encoder) for the Spark jobs. */
public final class ArchOption implements CommandLine.ITypeConverter<Arch> {

    @Override
    public Arch convert(String value) {
        try {
            return Arch.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
