package clearbg.jobs.spark;

import clearbg.jobs.options.NetworkSettings;
import clearbg.model.nn.Arch;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.Precision;
import java.io.Serializable;

/**
 * Which model an executor loads: a weights file on any Hadoop file system and, optionally, the
 * architecture it must be (null: detected from the weights).
 *
 * @param weightsUri {@code .pth} or safetensors weights
 * @param arch the expected architecture, or null
 * @param batchSize images per forward pass
 * @param inputSize the network input side, or 0 for the architecture's own (320 for U²-Net, 1024 for IS-Net)
 * @param engine the runtime that computes the masks ({@link InferenceEngine#AUTO}: decided per executor)
 * @param precision the number format inside the network (bf16 falls back to fp32 per executor where it is
 *     not native, see {@link clearbg.model.predict.EngineChoice})
 */
public record ModelSpec(
        String weightsUri, Arch arch, int batchSize, int inputSize, InferenceEngine engine, Precision precision)
        implements Serializable {

    public ModelSpec {
        if (engine == null || precision == null) {
            throw new IllegalArgumentException("engine and precision must be given");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (inputSize != 0 && inputSize < 32) {
            throw new IllegalArgumentException("input size must be 0 or at least 32, got " + inputSize);
        }
    }

    /** The model of {@code weightsUri} run as {@code network} says, {@code batchSize} images per forward pass. */
    public static ModelSpec of(String weightsUri, int batchSize, NetworkSettings network) {
        return new ModelSpec(
                weightsUri, network.arch(), batchSize, network.size(), network.engine(), network.precision());
    }
}
