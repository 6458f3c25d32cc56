package clearbg.model.predict;

import ai.djl.util.cuda.CudaUtils;
import java.util.Locale;

/** Which runtime computes U²-Net's masks. */
public enum InferenceEngine {
    /** ONNX Runtime on the CPU when no GPU is visible, libtorch on the GPU otherwise. */
    AUTO,
    /** ONNX Runtime on the CPU (the exported graph, all optimisations). */
    ONNXRUNTIME,
    /** libtorch through DJL, on DJL's default device (the GPU when there is one). */
    PYTORCH;

    /** This engine with {@link #AUTO} decided for this machine. */
    public InferenceEngine resolve() {
        if (this != AUTO) {
            return this;
        }
        return CudaUtils.getGpuCount() > 0 ? PYTORCH : ONNXRUNTIME;
    }

    /** The name on command lines and in params: {@code auto}, {@code onnxruntime} or {@code pytorch}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The engine called {@code name} ({@link #cliName()}, any case).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static InferenceEngine parse(String name) {
        for (InferenceEngine engine : values()) {
            if (engine.cliName().equalsIgnoreCase(name)) {
                return engine;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + name + "' (expected auto, onnxruntime or pytorch)");
    }
}
