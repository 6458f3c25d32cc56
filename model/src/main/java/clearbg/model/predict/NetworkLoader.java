package clearbg.model.predict;

import ai.djl.Device;
import ai.djl.engine.Engine;
import clearbg.model.io.StateDict;
import clearbg.model.io.Weights;
import clearbg.model.nn.Arch;
import clearbg.model.nn.ArchDetector;
import clearbg.model.nn.U2NetModel;
import java.io.IOException;
import java.nio.file.Path;

/** Opens a weights file ({@code .pth}, safetensors or a training checkpoint) as a {@link FusedMapNetwork}. */
public final class NetworkLoader {

    private NetworkLoader() {}

    /**
     * @param arch the expected architecture, or null to detect it from the weights
     * @param inputSize the network input side (the ONNX graph is built for it), 0 for the architecture's own
     * @param choice the engine and precision ({@link EngineChoice#onThisMachine})
     * @param threadsPerCall ONNX Runtime threads per call (libtorch keeps its own setting)
     * @throws IOException when the file cannot be read, is not a weights file or does not fit the
     *     architecture (the message names the file)
     */
    public static FusedMapNetwork open(Path weights, Arch arch, int inputSize, EngineChoice choice, int threadsPerCall)
            throws IOException {
        return open(
                weights,
                arch,
                inputSize,
                choice,
                threadsPerCall,
                Engine.getInstance().defaultDevice());
    }

    /**
     * As {@link #open(Path, Arch, int, EngineChoice, int)}, placing a libtorch network on {@code device} (a Spark
     * task's own GPU) instead of DJL's default device (GPU 0 where there is one).
     */
    public static FusedMapNetwork open(
            Path weights, Arch arch, int inputSize, EngineChoice choice, int threadsPerCall, Device device)
            throws IOException {
        StateDict stateDict = Weights.read(weights);
        String source = weights.toString();
        Arch detected = ArchDetector.detect(stateDict, arch, source);
        if (choice.engine() == InferenceEngine.ONNXRUNTIME) {
            int side = inputSize > 0 ? inputSize : detected.defaultInputSize();
            return OrtFusedMapNetwork.open(stateDict, detected, side, threadsPerCall, source);
        }
        U2NetModel model = U2NetModel.fromStateDict(detected, device, stateDict, source);
        return DjlFusedMapNetwork.of(model, choice.precision());
    }
}
