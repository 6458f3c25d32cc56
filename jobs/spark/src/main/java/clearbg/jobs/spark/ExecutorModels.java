package clearbg.jobs.spark;

import ai.djl.Device;
import clearbg.model.image.FloatImage;
import clearbg.model.predict.EngineChoice;
import clearbg.model.predict.FusedMapNetwork;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.NetworkLoader;
import clearbg.model.predict.PhaseTimer;
import clearbg.model.predict.Predictor;
import clearbg.model.predict.PredictorSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.spark.TaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One network per executor JVM, device and weights file: loaded on first use by any task, then shared by every
 * later task of the JVM on that device (DJL's Spark extension is not available here, so this is the partition-level
 * predictor). With ONNX Runtime the tasks of an executor run their forward passes in parallel, each on
 * {@code spark.task.cpus} threads; with libtorch they take turns and libtorch parallelises inside each pass.
 * When bf16 is asked for where it is not native, the executor's log says so once per loaded model.
 */
public final class ExecutorModels {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);

    /** One network per device (a task's own GPU, or the default device), for the spec it was loaded for. */
    private static final Map<Device, Loaded> LOADED = new HashMap<>();

    private record Loaded(ModelSpec spec, SharedPredictor predictor) {}

    private ExecutorModels() {}

    /**
     * The predictor for {@code spec} on the calling task's device ({@link TaskResources#inferenceDevice}: the GPU
     * Spark assigned the task, so an executor with several GPUs uses each), loading the weights through
     * {@code files} the first time. One network is kept per device: asking for another spec (a training run
     * evaluating each new checkpoint) frees the previous one once its running forward passes end.
     */
    public static synchronized SharedPredictor predictor(ModelSpec spec, HadoopFiles files) {
        TaskContext task = TaskContext.get();
        Device device = TaskResources.inferenceDevice(task);
        Loaded current = LOADED.get(device);
        if (current == null || !current.spec().equals(spec)) {
            LOADED.put(device, new Loaded(spec, load(spec, files, task, device)));
            if (current != null) {
                current.predictor().close();
            }
        }
        return LOADED.get(device).predictor();
    }

    private static SharedPredictor load(ModelSpec spec, HadoopFiles files, TaskContext task, Device device) {
        int threadsPerCall = task == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, task.cpus());
        try {
            Path local = Files.createTempFile("clearbg-weights-", ".bin");
            try {
                try (InputStream in = files.open(spec.weightsUri())) {
                    Files.copy(in, local, StandardCopyOption.REPLACE_EXISTING); // streamed: a checkpoint is 528 MB
                }
                EngineChoice choice = EngineChoice.onThisMachine(spec.engine(), spec.precision());
                if (choice.note() != null) {
                    LOG.warn("{}", choice.note());
                }
                FusedMapNetwork network =
                        NetworkLoader.open(local, spec.arch(), spec.inputSize(), choice, threadsPerCall, device);
                return new SharedPredictor(
                        network,
                        new Predictor(
                                network,
                                new PredictorSettings(
                                        spec.inputSize() > 0
                                                ? spec.inputSize()
                                                : network.arch().defaultInputSize(),
                                        spec.batchSize())));
            } finally {
                Files.deleteIfExists(local);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(spec.weightsUri() + ": " + e.getMessage(), e);
        }
    }

    /** A predictor shared by the tasks of an executor; replacing it waits for the running passes. */
    public static final class SharedPredictor {
        private final FusedMapNetwork network;
        private final Predictor predictor;
        private final ReadWriteLock lock = new ReentrantReadWriteLock();
        private boolean closed;

        SharedPredictor(FusedMapNetwork network, Predictor predictor) {
            this.network = network;
            this.predictor = predictor;
        }

        /** Masks for {@code images} at their own sizes, in order. */
        public List<MaskImage> predict(List<FloatImage> images) {
            return predict(images, new PhaseTimer());
        }

        /** Masks for {@code images} at their own sizes, in order, adding the time per phase to {@code timer}. */
        public List<MaskImage> predict(List<FloatImage> images, PhaseTimer timer) {
            lock.readLock().lock();
            try {
                if (closed) {
                    throw new IllegalStateException("this model was replaced by another one in this executor");
                }
                return predictor.predict(images, timer);
            } finally {
                lock.readLock().unlock();
            }
        }

        private void close() {
            lock.writeLock().lock();
            try {
                closed = true;
                network.close();
            } finally {
                lock.writeLock().unlock();
            }
        }
    }
}
