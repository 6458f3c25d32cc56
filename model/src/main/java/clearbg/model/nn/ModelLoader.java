package clearbg.model.nn;

import ai.djl.Device;
import clearbg.model.io.StateDict;
import clearbg.model.io.Weights;
import java.io.IOException;
import java.nio.file.Path;

/** Opens a weights file ({@code .pth} or safetensors, told apart by content) as a ready model. */
public final class ModelLoader {

    private ModelLoader() {}

    /**
     * Reads {@code path} and builds the network (a training checkpoint serves as weights, see {@link Weights}).
     *
     * @param arch the expected architecture, or null to detect it from the weights
     * @param device where the parameters go
     * @throws IOException when the file cannot be read or is not a weights file (the message names it)
     */
    public static U2NetModel load(Path path, Arch arch, Device device) throws IOException {
        StateDict weights = Weights.read(path);
        String source = path.toString();
        return U2NetModel.fromStateDict(checkedArch(weights, arch, source), device, weights, source);
    }

    /**
     * The architecture of {@code weights}, detected from their shapes.
     *
     * @param expected the architecture the caller asked for, or null for any
     * @throws IllegalArgumentException when the weights are another architecture than {@code expected}
     */
    public static Arch checkedArch(StateDict weights, Arch expected, String sourceName) {
        Arch detected = ArchDetector.detect(weights, sourceName);
        if (expected != null && expected != detected) {
            throw new IllegalArgumentException(
                    sourceName + " holds " + detected.cliName() + " weights, but --arch " + expected.cliName() + " was given");
        }
        return detected;
    }
}
