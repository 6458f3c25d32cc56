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

/**
 * One model per executor JVM and weights file: loaded on first use by any task, then shared by every
 * later task of the JVM (DJL's Spark extension is not available here, so this is the partition-level
 * predictor). Forward passes of one model are serialised; PyTorch parallelises inside each pass.
 */
public final class ExecutorModels {

    private static ModelSpec loadedSpec;
    private static SharedPredictor loaded;

    private ExecutorModels() {}

    /**
     * The predictor for {@code spec}, loading the weights through {@code files} the first time. One model is
     * kept per JVM: asking for another spec (a training run evaluating each new checkpoint) frees the
     * previous one once its running forward passes end.
     */
    public static synchronized SharedPredictor predictor(ModelSpec spec, HadoopFiles files) {
        if (!spec.equals(loadedSpec)) {
            SharedPredictor previous = loaded;
            loaded = load(spec, files);
            loadedSpec = spec;
            if (previous != null) {
                previous.close();
            }
        }
        return loaded;
    }

    private static SharedPredictor load(ModelSpec spec, HadoopFiles files) {
        try {
            Path local = Files.createTempFile("clearbg-weights-", ".bin");
            try {
                Files.write(local, files.read(spec.weightsUri()));
                U2NetModel model = ModelLoader.load(local, spec.arch(), Engine.getInstance().defaultDevice());
                return new SharedPredictor(model, new Predictor(model, new PredictorSettings(spec.inputSize(), spec.batchSize())));
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(spec.weightsUri() + ": " + e.getMessage(), e);
        }
    }

    /** A predictor whose forward passes run one at a time. */
    public static final class SharedPredictor {
        private final U2NetModel model;
        private final Predictor predictor;
        private boolean closed;

        SharedPredictor(U2NetModel model, Predictor predictor) {
            this.model = model;
            this.predictor = predictor;
        }

        /** Masks for {@code images} at their own sizes, in order. */
        public synchronized List<MaskImage> predict(List<FloatImage> images) {
            if (closed) {
                throw new IllegalStateException("this model was replaced by another one in this executor");
            }
            return predictor.predict(images);
        }

        private synchronized void close() {
            closed = true;
            model.close();
        }
    }
}
