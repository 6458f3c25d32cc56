package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clearbg.model.predict.InferenceEngine;
import org.junit.jupiter.api.Test;

/** The images per forward pass of {@code clearbg serve}: {@code --batch}, else by where the network runs. */
class ServeBatchDefaultTest {

    @Test
    void onCpusEachPassHoldsOneImage() {
        for (InferenceEngine engine : InferenceEngine.values()) {
            assertEquals(1, ServeCommand.batchSize(0, engine, 0), engine.cliName());
        }
        assertEquals(1, ServeCommand.batchSize(0, InferenceEngine.ONNXRUNTIME, 2), "ONNX Runtime runs on the CPU");
    }

    @Test
    void onAGpuPassesGatherSeveralImages() {
        assertEquals(ServeCommand.GPU_BATCH, ServeCommand.batchSize(0, InferenceEngine.AUTO, 1));
        assertEquals(ServeCommand.GPU_BATCH, ServeCommand.batchSize(0, InferenceEngine.PYTORCH, 2));
    }

    @Test
    void anExplicitBatchIsKept() {
        assertEquals(3, ServeCommand.batchSize(3, InferenceEngine.ONNXRUNTIME, 0));
        assertEquals(2, ServeCommand.batchSize(2, InferenceEngine.PYTORCH, 1));
    }
}
