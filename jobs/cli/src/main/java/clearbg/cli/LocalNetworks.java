package clearbg.cli;

import ai.djl.pytorch.jni.JniUtils;
import clearbg.jobs.options.NetworkSettings;
import clearbg.model.predict.EngineChoice;
import clearbg.model.predict.FusedMapNetwork;
import clearbg.model.predict.FusedMapNetworkPool;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.NetworkLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * Opens the network of the local commands that predict ({@code remove}, {@code serve}) for {@code workers}
 * threads calling it at once: ONNX Runtime runs their passes side by side, each on {@code threadsPerCall}
 * threads; libtorch gets one copy of the network per worker and {@code threadsPerCall} threads per pass, so
 * that its passes too run side by side instead of taking turns. When bf16 was asked for and is not native
 * here, the reason is printed to {@code err} once.
 */
final class LocalNetworks {

    private LocalNetworks() {}

    static FusedMapNetwork open(
            Path weights, NetworkSettings settings, int workers, int threadsPerCall, PrintWriter err)
            throws IOException {
        EngineChoice choice = EngineChoice.onThisMachine(settings.engine(), settings.precision());
        if (choice.note() != null) {
            err.println("clearbg: " + choice.note());
            err.flush();
        }
        FusedMapNetworkPool.Opener opener =
                () -> NetworkLoader.open(weights, settings.arch(), settings.size(), choice, threadsPerCall);
        if (choice.engine() != InferenceEngine.PYTORCH) {
            return opener.open();
        }
        FusedMapNetwork pool = FusedMapNetworkPool.open(workers, opener);
        JniUtils.setNumThreads(threadsPerCall); // the engine is loaded now; the workers' threads start later
        return pool;
    }
}
