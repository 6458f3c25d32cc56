package clearbg.jobs.options;

import clearbg.model.predict.Precision;
import picocli.CommandLine;

/** Parses {@code --precision fp32|bf16} for the jobs and the local command. */
public final class PrecisionOption implements CommandLine.ITypeConverter<Precision> {

    /** The option's help text, shared by every command that has it. */
    public static final String DESCRIPTION = "fp32 or bf16: the number format inside the network (bf16: libtorch,"
            + " about twice as fast where the CPU has AMX or AVX-512 BF16 or the GPU is Ampere or newer, masks a"
            + " grey level or two from fp32's; elsewhere fp32 is run and a note says why; default ${DEFAULT-VALUE})";

    @Override
    public Precision convert(String value) {
        try {
            return Precision.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
