package clearbg.jobs.spark;

import ai.djl.engine.Engine;
import clearbg.model.image.FloatImage;
import clearbg.model.nn.ModelLoader;
import clearbg.model.nn.U2NetModel;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.Predictor;
import clearbg.model.predict.PredictorSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One model per executor JVM and weights file: loaded on first use by any task, then shared by every
 * later task of the JVM (DJL's Spark extension is not available here, so this is the partition-level
 * predictor). Forward passes of one model are serialised; PyTorch parallelises inside each pass.
 */
public final class ExecutorModels {

    private static final Map<ModelSpec, SharedPredictor> LOADED = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** The predictor for {@code spec}, loading the weights through {@code files} the first time. */
    public static SharedPredictor predictor(ModelSpec spec, HadoopFiles files) {
        return LOADED.computeIfAbsent(spec, key -> load(key, files));
    }

    private static SharedPredictor load(ModelSpec spec, HadoopFiles files) {
        try {
            Path local = Files.createTempFile("clearbg-weights-", ".bin");
            try {
                Files.write(local, files.read(spec.weightsUri()));
                U2NetModel model = ModelLoader.load(local, spec.arch(), Engine.getInstance().defaultDevice());
                return new SharedPredictor(new Predictor(model,
                        new PredictorSettings(PredictorSettings.DEFAULT.inputSize(), spec.batchSize())));
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(spec.weightsUri() + ": " + e.getMessage(), e);
        }
    }

    /** A predictor whose forward passes run one at a time. */
    public static final class SharedPredictor {
        private final Predictor predictor;

        SharedPredictor(Predictor predictor) {
            this.predictor = predictor;
        }

        /** Masks for {@code images} at their own sizes, in order. */
        public synchronized List<MaskImage> predict(List<FloatImage> images) {
            return predictor.predict(images);
        }
    }
}
