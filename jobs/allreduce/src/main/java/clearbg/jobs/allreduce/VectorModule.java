package clearbg.jobs.allreduce;

import java.util.function.BooleanSupplier;

/**
 * Whether SIMD code written with the incubating Vector API may run in this JVM: the module
 * {@code jdk.incubator.vector} must be in the boot layer, and a probe that runs the lanes must give its expected
 * answer (a JVM that cannot link the API answers false instead of failing).
 */
final class VectorModule {

    private VectorModule() {}

    /** True when the module is present and {@code probe} (which touches the Vector API) returns true. */
    static boolean usable(BooleanSupplier probe) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return probe.getAsBoolean();
        } catch (LinkageError unavailable) {
            return false;
        }
    }
}
