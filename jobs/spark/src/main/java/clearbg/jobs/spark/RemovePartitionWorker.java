package clearbg.jobs.spark;

import clearbg.jobs.remove.RemovalPipeline;
import clearbg.jobs.remove.RemoveOutcome;
import clearbg.jobs.remove.RemoveRequest;
import clearbg.jobs.remove.RemoveSettings;
import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodeLimits;
import clearbg.model.predict.PhaseTimer;
import java.io.Serializable;
import java.util.Iterator;

/**
 * Removes the backgrounds of one partition of {@link RemoveRequest}s on an executor with the shared
 * {@link RemovalPipeline} (the one {@code clearbg remove} runs), reading and writing through
 * {@link HadoopFiles} and predicting with the executor's shared model. The image memory budget is the
 * executor JVM's, shared by its tasks. Every request yields exactly one {@link RemoveOutcome}; one bad
 * image never fails the task.
 */
public final class RemovePartitionWorker implements Serializable {

    private static final long serialVersionUID = 2L;

    private final HadoopFiles files;
    private final ModelSpec model;
    private final DecodeLimits limits;
    private final RemoveSettings settings;

    public RemovePartitionWorker(HadoopFiles files, ModelSpec model, DecodeLimits limits, RemoveSettings settings) {
        this.files = files;
        this.model = model;
        this.limits = limits;
        this.settings = settings;
    }

    /** Processes the partition; the outcomes come in input order. */
    public Iterator<RemoveOutcome> process(Iterator<RemoveRequest> requests) {
        BudgetedDecoder decoder = new BudgetedDecoder(limits, settings.workBytesPerPixel());
        RemovalPipeline pipeline = new RemovalPipeline(
                files,
                decoder,
                (images, timer) -> ExecutorModels.predictor(model, files).predict(images, timer),
                settings,
                new PhaseTimer());
        return pipeline.process(requests).iterator();
    }
}
