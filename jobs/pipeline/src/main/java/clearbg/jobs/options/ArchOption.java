package clearbg.jobs.options;

import clearbg.model.nn.Arch;
import picocli.CommandLine;

/** Parses {@code --arch u2net|u2netp} for the Spark jobs. */
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
