package clearbg.jobs.spark;

import clearbg.jobs.allreduce.WirePrecision;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** TrainJob's options for the replicas' gradient ring ({@code --timeout}, {@code --allreduce-precision}). */
public final class RingOptions {

    @Option(
            names = "--timeout",
            defaultValue = "300",
            description = "seconds a replica waits on its peers before failing (default ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Option(
            names = "--allreduce-precision",
            defaultValue = "fp32",
            converter = WirePrecisionConverter.class,
            paramLabel = "fp32|bf16",
            description = "what the gradients travel between replicas as: fp32, exact; bf16, half the bytes, sums"
                    + " still in float32 and the averaged gradients rounded to bfloat16 (default ${DEFAULT-VALUE})")
    WirePrecision precision;

    /** The ring as these options describe it. */
    public RingChoice choice() {
        return new RingChoice(Duration.ofSeconds(timeoutSeconds), precision);
    }

    /** {@code fp32|bf16} for {@code --allreduce-precision}. */
    static final class WirePrecisionConverter implements CommandLine.ITypeConverter<WirePrecision> {
        @Override
        public WirePrecision convert(String value) {
            try {
                return WirePrecision.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("--allreduce-precision " + e.getMessage());
            }
        }
    }
}
