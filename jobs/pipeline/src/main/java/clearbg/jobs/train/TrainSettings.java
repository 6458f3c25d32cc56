package clearbg.jobs.train;

import clearbg.jobs.files.LocationRedaction;
import clearbg.model.nn.Arch;
import clearbg.model.optim.AdamSettings;
import clearbg.model.train.BatchNormMode;
import clearbg.model.transform.FlipMode;
import clearbg.model.transform.TrainingTransform;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything a training run is made of, in groups shared by {@code clearbg train} and TrainJob; the
 * defaults are the paper's recipe (see TrainJob). The flat accessors ({@link #batch()}, {@link #seed()}, ...)
 * read the groups.
 *
 * @param recipe the model, the schedule and the augmentation
 * @param optimizer Adam's hyper-parameters
 * @param data the samples and the evaluation split
 * @param checkpointing where checkpoints go and what the run starts from
 * @param workers data-parallel replicas (Spark barrier tasks; 1 for {@code clearbg train})
 * @param out the run folder: final weights, step log, loss curve, evaluations
 * @param logInterval steps between progress lines
 * @param hashInterval steps between the replicas' parameter-hash comparisons
 * @param prefetch batches each replica prepares ahead, each on a background thread (0: in the step's thread)
 * @param bucketMb MiB of gradients per bucket exchanged during backward where every replica has the native bridge
 *     (0: the exchange after backward)
 */
public record TrainSettings(
        TrainRecipe recipe,
        AdamSettings optimizer,
        TrainData data,
        CheckpointPolicy checkpointing,
        int workers,
        String out,
        int logInterval,
        int hashInterval,
        int prefetch,
        int bucketMb)
        implements Serializable {

    public TrainSettings {
        require(workers >= 1, "--workers must be at least 1, got " + workers);
        require(prefetch >= 0, "--prefetch must be >= 0, got " + prefetch);
        require(bucketMb >= 0 && bucketMb <= 1024, "--bucket-mb must be 0 to 1024, got " + bucketMb);
        require(logInterval >= 1 && hashInterval >= 1, "--log-interval and --hash-interval must be at least 1");
        require(
                data.evalSplit() == null || recipe.arch().inputChannels() == 3,
                "--eval-split: " + recipe.arch().cliName() + " takes masks, not photos, and is not evaluated");
    }

    /** These settings with another per-replica batch. */
    public TrainSettings withBatch(int batch) {
        return new TrainSettings(
                recipe.withBatch(batch),
                optimizer,
                data,
                checkpointing,
                workers,
                out,
                logInterval,
                hashInterval,
                prefetch,
                bucketMb);
    }

    public Arch arch() {
        return recipe.arch();
    }

    public String table() {
        return data.source();
    }

    public List<String> trainSplits() {
        return data.trainSplits();
    }

    public String evalSplit() {
        return data.evalSplit();
    }

    public int evalInterval() {
        return data.evalInterval();
    }

    /** Evaluations without a better max-F before the training stops (0: off). */
    public int earlyStopping() {
        return data.earlyStopping();
    }

    public int epochs() {
        return recipe.epochs();
    }

    public long maxSteps() {
        return recipe.maxSteps();
    }

    public int batch() {
        return recipe.batch();
    }

    public int rescale() {
        return recipe.rescale();
    }

    public int crop() {
        return recipe.crop();
    }

    public FlipMode flip() {
        return recipe.flip();
    }

    public BatchNormMode batchNorm() {
        return recipe.batchNorm();
    }

    public long seed() {
        return recipe.seed();
    }

    /** The frozen ground-truth encoder's weights for IS-Net's intermediate supervision, or null. */
    public String intermediateSupervision() {
        return recipe.intermediateSupervision();
    }

    public double learningRate() {
        return optimizer.learningRate();
    }

    /** The checkpoint folder. */
    public String checkpoints() {
        return checkpointing.folder();
    }

    public int checkpointInterval() {
        return checkpointing.interval();
    }

    public int keepCheckpoints() {
        return checkpointing.keep();
    }

    public boolean resume() {
        return checkpointing.resume();
    }

    public String initWeights() {
        return checkpointing.initWeights();
    }

    /** Training parameters that may differ from a checkpoint's when resuming. */
    public Set<String> allowedChanges() {
        return checkpointing.allowedChanges();
    }

    /** Adam's hyper-parameters. */
    public AdamSettings adam() {
        return optimizer;
    }

    /** The training transform (its seed is replaced per sample). */
    public TrainingTransform transform() {
        return recipe.transform();
    }

    /** The parameters as strings, for params.json and the checkpoint. */
    public Map<String, String> asParams() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("arch", arch().cliName());
        params.put("table", LocationRedaction.withoutSecrets(table()));
        params.put("train_splits", String.join(",", trainSplits()));
        params.put("eval_split", evalSplit() == null ? "" : evalSplit());
        params.put("epochs", Integer.toString(epochs()));
        params.put("max_steps", Long.toString(maxSteps()));
        params.put("batch", Integer.toString(batch()));
        params.put("global_batch", Integer.toString(batch() * workers));
        params.put("rescale", Integer.toString(rescale()));
        params.put("crop", Integer.toString(crop()));
        params.put("flip", flip().name().toLowerCase(Locale.ROOT));
        params.put("lr", Double.toString(optimizer.learningRate()));
        params.put("beta1", Double.toString(optimizer.beta1()));
        params.put("beta2", Double.toString(optimizer.beta2()));
        params.put("eps", Double.toString(optimizer.eps()));
        params.put("weight_decay", Double.toString(optimizer.weightDecay()));
        params.put("batch_norm", batchNorm().name().toLowerCase(Locale.ROOT));
        params.put("workers", Integer.toString(workers));
        params.put("seed", Long.toString(seed()));
        params.put("checkpoint_interval", Integer.toString(checkpointInterval()));
        params.put("init_weights", initWeights() == null ? "" : LocationRedaction.withoutSecrets(initWeights()));
        params.put("eval_interval", Integer.toString(evalInterval()));
        params.put("early_stopping", Integer.toString(earlyStopping()));
        params.put(
                "intermediate_supervision",
                intermediateSupervision() == null ? "" : LocationRedaction.withoutSecrets(intermediateSupervision()));
        return params;
    }

    /** {@link #asParams()} as JSON, as written to params.json and into every checkpoint. */
    public String paramsJson() {
        return ParamsJson.of(asParams());
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
