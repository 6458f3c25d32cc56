package clearbg.model.predict;

import java.util.function.Supplier;

/**
 * The engine and precision a network runs with, decided from what was asked for and what the machine
 * offers.
 *
 * <ul>
 *   <li>{@code fp32}: the requested engine ({@link InferenceEngine#AUTO} resolved for this machine);
 *   <li>{@code bf16} where {@link Bf16Support} finds native bfloat16: libtorch (the engine whose oneDNN
 *       and CUDA kernels compute bfloat16 convolutions); {@code auto} and {@code pytorch} are accepted,
 *       {@code onnxruntime} is refused (its CPU kernels compute in float32 only);
 *   <li>{@code bf16} without native bfloat16: {@code fp32} on the requested engine, with a {@link #note()}
 *       saying why (emulated bfloat16 would be slower than float32, not faster).
 * </ul>
 *
 * @param engine the engine to run (never {@link InferenceEngine#AUTO})
 * @param precision the precision to run in
 * @param note a sentence for the user when bf16 was asked for and fp32 is run instead; otherwise null
 */
public record EngineChoice(InferenceEngine engine, Precision precision, String note) {

    /**
     * The choice for {@code requested} and {@code precision}; {@code bf16Support} is asked only when bf16 is.
     *
     * @throws IllegalArgumentException for bf16 on ONNX Runtime
     */
    public static EngineChoice of(InferenceEngine requested, Precision precision, Supplier<Bf16Support> bf16Support) {
        if (precision == Precision.FP32) {
            return new EngineChoice(requested.resolve(), Precision.FP32, null);
        }
        if (requested == InferenceEngine.ONNXRUNTIME) {
            throw new IllegalArgumentException("precision bf16 runs on the pytorch engine (ONNX Runtime's CPU kernels"
                    + " compute in float32 only): use engine auto or pytorch, or precision fp32");
        }
        Bf16Support support = bf16Support.get();
        if (!support.fast()) {
            return new EngineChoice(
                    requested.resolve(),
                    Precision.FP32,
                    "bf16 asked for, but " + support.why() + ": computing in fp32, which is faster here");
        }
        return new EngineChoice(InferenceEngine.PYTORCH, Precision.BF16, null);
    }

    /** The choice for {@code requested} and {@code precision} on this machine ({@link Bf16Support#detect()}). */
    public static EngineChoice onThisMachine(InferenceEngine requested, Precision precision) {
        return of(requested, precision, Bf16Support::detect);
    }
}
