package clearbg.model.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How bf16 is granted or refused: hardware detection and the fallback to fp32. */
class EngineChoiceTest {

    private static final Bf16Support NATIVE = Bf16Support.ofCpuFlags(Set.of("avx2", "avx512_bf16"));
    private static final Bf16Support EMULATED = Bf16Support.ofCpuFlags(Set.of("avx2", "fma"));

    @Test
    void cpuFlagsDecideWhetherBf16IsNative(@TempDir Path dir) throws IOException {
        assertTrue(NATIVE.fast(), NATIVE.why());
        assertTrue(Bf16Support.ofCpuFlags(Set.of("amx_bf16", "amx_tile")).fast());
        assertFalse(EMULATED.fast());
        assertTrue(EMULATED.why().contains("neither AMX nor AVX-512 BF16"), EMULATED.why());
        Path cpuInfo = dir.resolve("cpuinfo");
        Files.writeString(
                cpuInfo,
                "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n\n"
                        + "processor\t: 1\nflags\t\t: fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni\n");
        assertTrue(Bf16Support.ofCpuInfo(cpuInfo).fast());
        Files.writeString(cpuInfo, "processor\t: 0\nflags\t\t: fpu sse2 avx2 fma\n");
        assertFalse(Bf16Support.ofCpuInfo(cpuInfo).fast());
        Bf16Support unreadable = Bf16Support.ofCpuInfo(dir.resolve("missing"));
        assertFalse(unreadable.fast());
        assertTrue(unreadable.why().contains("missing"), unreadable.why());
    }

    @Test
    void gpusFromAmpereOnAreNative() {
        assertTrue(Bf16Support.ofCudaCapability("80").fast());
        assertTrue(Bf16Support.ofCudaCapability("90").fast());
        assertTrue(Bf16Support.ofCudaCapability("100").fast());
        assertFalse(Bf16Support.ofCudaCapability("75").fast());
        assertFalse(Bf16Support.ofCudaCapability("").fast());
    }

    @Test
    void fp32NeverAsksTheHardware() {
        AtomicInteger asked = new AtomicInteger();
        EngineChoice choice = EngineChoice.of(InferenceEngine.ONNXRUNTIME, Precision.FP32, () -> {
            asked.incrementAndGet();
            return NATIVE;
        });
        assertEquals(new EngineChoice(InferenceEngine.ONNXRUNTIME, Precision.FP32, null), choice);
        assertEquals(0, asked.get());
    }

    @Test
    void nativeBf16RunsOnLibtorch() {
        for (InferenceEngine requested : new InferenceEngine[] {InferenceEngine.AUTO, InferenceEngine.PYTORCH}) {
            EngineChoice choice = EngineChoice.of(requested, Precision.BF16, () -> NATIVE);
            assertEquals(InferenceEngine.PYTORCH, choice.engine());
            assertEquals(Precision.BF16, choice.precision());
            assertNull(choice.note());
        }
    }

    @Test
    void emulatedBf16FallsBackToFp32AndSaysWhy() {
        EngineChoice choice = EngineChoice.of(InferenceEngine.PYTORCH, Precision.BF16, () -> EMULATED);
        assertEquals(InferenceEngine.PYTORCH, choice.engine());
        assertEquals(Precision.FP32, choice.precision());
        assertTrue(choice.note().contains(EMULATED.why()), choice.note());
        assertTrue(choice.note().contains("computing in fp32"), choice.note());
    }

    @Test
    void bf16IsRefusedOnOnnxRuntime() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> EngineChoice.of(InferenceEngine.ONNXRUNTIME, Precision.BF16, () -> NATIVE));
        assertTrue(e.getMessage().contains("pytorch"), e.getMessage());
        assertEquals(Precision.BF16, Precision.parse("BF16"));
        assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8"));
    }
}
