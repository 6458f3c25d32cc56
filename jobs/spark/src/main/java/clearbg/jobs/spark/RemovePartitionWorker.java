package clearbg.jobs.spark;

import clearbg.jobs.remove.PlannedInput;
import clearbg.jobs.remove.PriorRecord;
import clearbg.jobs.remove.RecordedOutcome;
import clearbg.jobs.remove.RemovalPipeline;
import clearbg.jobs.remove.RemoveOutcome;
import clearbg.jobs.remove.RemoveRequest;
import clearbg.jobs.remove.RemoveSettings;
import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodeLimits;
import clearbg.model.predict.PhaseTimer;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import scala.Tuple2;

/**
 * Removes the backgrounds of one partition of planned inputs on an executor. Each input comes with its newest
 * output record (if any); it is skipped when {@link PriorRecord#redoReason} finds the record current and every
 * output still exists (its record is then carried forward as {@code skipped}), and redone otherwise, or always
 * with {@code overwrite}. The redone ones go through the shared {@link RemovalPipeline} (the one {@code clearbg
 * remove} runs), reading and writing through {@link HadoopFiles} and predicting with the executor's shared model;
 * the image memory budget is the executor JVM's, shared by its tasks. Every input yields exactly one
 * {@link RecordedOutcome}; one bad image never fails the task.
 */
public final class RemovePartitionWorker implements Serializable {

    private static final long serialVersionUID = 3L;

    private final HadoopFiles files;
    private final ModelSpec model;
    private final DecodeLimits limits;
    private final RemoveSettings settings;
    private final String weightsSha256;
    private final String settingsFingerprint;

    /**
     * @param settings the removal's settings; {@link RemoveSettings#overwrite()} redoes every input whatever its
     *     record says
     * @param weightsSha256 the SHA-256 of the weights file
     * @param settingsFingerprint the fingerprint of the settings that change pixels
     */
    public RemovePartitionWorker(
            HadoopFiles files,
            ModelSpec model,
            DecodeLimits limits,
            RemoveSettings settings,
            String weightsSha256,
            String settingsFingerprint) {
        this.files = files;
        this.model = model;
        this.limits = limits;
        this.settings = settings;
        this.weightsSha256 = weightsSha256;
        this.settingsFingerprint = settingsFingerprint;
    }

    /** Processes the partition: inputs with their newest record, if any. */
    public Iterator<RecordedOutcome> process(
            Iterator<Tuple2<PlannedInput, org.apache.spark.api.java.Optional<PriorRecord>>> inputs) throws IOException {
        List<RecordedOutcome> results = new ArrayList<>();
        List<RemoveRequest> work = new ArrayList<>();
        Map<String, PlannedInput> planned = new HashMap<>();
        Map<String, String> redoReasons = new HashMap<>();
        while (inputs.hasNext()) {
            Tuple2<PlannedInput, org.apache.spark.api.java.Optional<PriorRecord>> next = inputs.next();
            PlannedInput input = next._1();
            PriorRecord prior = next._2().orNull();
            Optional<String> redo = settings.overwrite()
                    ? Optional.of("--overwrite")
                    : PriorRecord.redoReason(
                            prior, input.inputVersion(), weightsSha256, settingsFingerprint, input.outputKeys());
            if (redo.isEmpty() && !allExist(input.request())) {
                redo = Optional.of("an output is missing");
            }
            if (redo.isEmpty()) {
                results.add(new RecordedOutcome(
                        new RemoveOutcome(
                                input.request().key(),
                                RemoveOutcome.SKIPPED,
                                "up to date (recorded by run " + prior.runId() + ")",
                                0,
                                0,
                                0,
                                0,
                                prior.outputSha256()),
                        input.inputVersion(),
                        input.outputKeys(),
                        weightsSha256,
                        settingsFingerprint,
                        System.currentTimeMillis()));
            } else {
                work.add(input.request());
                planned.put(input.request().key(), input);
                redoReasons.put(input.request().key(), redo.get());
            }
        }
        for (RemoveOutcome outcome : pipeline().process(work.iterator())) {
            PlannedInput input = planned.get(outcome.key());
            results.add(new RecordedOutcome(
                    outcome.reason().isEmpty() ? outcome.withReason(redoReasons.get(outcome.key())) : outcome,
                    input.inputVersion(),
                    input.outputKeys(),
                    weightsSha256,
                    settingsFingerprint,
                    System.currentTimeMillis()));
        }
        return results.iterator();
    }

    /**
     * The pipeline for the inputs to redo: it always writes (the decision to skip is made above), except that
     * outputs written since the run started count as done by another attempt of this run.
     */
    private RemovalPipeline pipeline() {
        RemoveSettings redo = new RemoveSettings(
                true,
                settings.background(),
                settings.postProcess(),
                settings.alphaMatting(),
                settings.batchSize(),
                settings.runStartedMillis());
        return new RemovalPipeline(
                files,
                new BudgetedDecoder(limits, settings.workBytesPerPixel()),
                (images, timer) -> ExecutorModels.predictor(model, files).predict(images, timer),
                redo,
                new PhaseTimer());
    }

    private boolean allExist(RemoveRequest request) throws IOException {
        for (RemoveRequest.Output output : request.outputs()) {
            if (!files.exists(output.location())) {
                return false;
            }
        }
        return true;
    }
}
