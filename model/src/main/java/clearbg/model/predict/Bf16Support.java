package clearbg.model.predict;

import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether this machine computes bfloat16 convolutions natively, so that {@link Precision#BF16} is faster
 * than float32 rather than emulated.
 *
 * <p>A CPU qualifies with AMX ({@code amx_bf16}: Intel Sapphire Rapids and later) or AVX-512 BF16
 * ({@code avx512_bf16}: Intel Cooper Lake and later, AMD Zen 4 and later), read from the {@code flags} line of
 * {@code /proc/cpuinfo}; oneDNN picks its bfloat16 kernels from the same instruction sets. A CUDA GPU
 * qualifies from compute capability 8.0 (Ampere) on, where the tensor cores take bfloat16.
 *
 * @param fast true when bfloat16 runs on native instructions
 * @param why what was found, for the message shown when bf16 is asked for and not fast
 */
public record Bf16Support(boolean fast, String why) {

    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");
    private static final Set<String> CPU_FLAGS = Set.of("amx_bf16", "avx512_bf16");
    private static final int FIRST_BF16_CUDA_MAJOR = 8;

    /** The support of the device libtorch would use: GPU 0 when a GPU is visible, otherwise the CPU. */
    public static Bf16Support detect() {
        if (CudaUtils.getGpuCount() > 0) {
            return ofCudaCapability(CudaUtils.getComputeCapability(0));
        }
        return ofCpuInfo(CPU_INFO);
    }

    /** The support of the CPU described by a {@code /proc/cpuinfo} file (not readable: not fast). */
    public static Bf16Support ofCpuInfo(Path cpuInfo) {
        try {
            String text = Files.readString(cpuInfo, StandardCharsets.UTF_8);
            return ofCpuFlags(flags(text));
        } catch (IOException e) {
            return new Bf16Support(false, "the CPU's instruction sets are unknown (" + cpuInfo + " not readable)");
        }
    }

    /** The support of a CPU with these instruction-set flags. */
    public static Bf16Support ofCpuFlags(Set<String> flags) {
        Set<String> found = new TreeSet<>(flags);
        found.retainAll(CPU_FLAGS);
        if (found.isEmpty()) {
            return new Bf16Support(
                    false, "this CPU has neither AMX nor AVX-512 BF16 (no amx_bf16 or avx512_bf16 flag)");
        }
        return new Bf16Support(true, "CPU flags " + String.join(", ", found));
    }

    /**
     * The support of a CUDA GPU of compute capability {@code capability}, major and minor digits as DJL
     * writes them ({@code "86"}, {@code "100"}).
     */
    public static Bf16Support ofCudaCapability(String capability) {
        int major;
        try {
            major = Integer.parseInt(capability.trim()) / 10;
        } catch (NumberFormatException e) {
            major = 0;
        }
        if (major >= FIRST_BF16_CUDA_MAJOR) {
            return new Bf16Support(true, "GPU compute capability " + capability);
        }
        return new Bf16Support(
                false, "GPU 0 has compute capability " + capability + ", below 8.0 where bfloat16 tensor cores start");
    }

    /** The flags of the first {@code flags} line of a cpuinfo text (every core lists the same). */
    static Set<String> flags(String cpuInfo) {
        for (String line : cpuInfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                return new TreeSet<>(
                        Arrays.asList(line.substring(colon + 1).trim().split("\\s+")));
            }
        }
        return Set.of();
    }
}
