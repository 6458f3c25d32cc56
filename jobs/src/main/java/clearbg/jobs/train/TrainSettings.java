package clearbg.jobs.train;

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

/**
 * Everything a training run is made of; the defaults are the paper's recipe (see TrainJob).
 *
 * @param arch u2net or u2netp
 * @param table an IngestJob table (its root with manifest.json, or the Parquet folder)
 * @param trainSplits the table's splits to train on
 * @param evalSplit the split to evaluate on, or null
 * @param epochs passes over the training splits
 * @param maxSteps stop after this many optimiser steps in all (0: train every epoch whole)
 * @param batch images per worker and step (global batch = batch x workers)
 * @param rescale RescaleT size
 * @param crop RandomCrop size
 * @param flip random flips of the training transform
 * @param learningRate Adam lr
 * @param beta1 Adam beta1
 * @param beta2 Adam beta2
 * @param eps Adam eps
 * @param weightDecay Adam weight decay (L2 added to the gradient)
 * @param batchNorm batch statistics per replica, or frozen running statistics
 * @param workers data-parallel replicas (Spark barrier tasks)
 * @param seed initialisation, data order and augmentation seed
 * @param out the run folder: final weights, step log, loss curve, evaluations
 * @param checkpoints the checkpoint folder
 * @param checkpointInterval steps between checkpoints (also written at every epoch end)
 * @param keepCheckpoints checkpoints kept
 * @param resume continue from the newest checkpoint when there is one
 * @param initWeights weights to start from (.pth, safetensors or a checkpoint), or null for seeded init
 * @param evalInterval epochs between evaluations (0: only at the end)
 * @param logInterval steps between progress lines
 * @param hashInterval steps between the replicas' parameter-hash comparisons
 */
public record TrainSettings(Arch arch, String table, List<String> trainSplits, String evalSplit, int epochs, long maxSteps,
        int batch, int rescale, int crop, FlipMode flip, double learningRate, double beta1, double beta2, double eps,
        double weightDecay, BatchNormMode batchNorm, int workers, long seed, String out, String checkpoints,
        int checkpointInterval, int keepCheckpoints, boolean resume, String initWeights, int evalInterval, int logInterval,
        int hashInterval) implements Serializable {

    public TrainSettings {
        trainSplits = List.copyOf(trainSplits);
        require(!trainSplits.isEmpty(), "--train-splits must name at least one split");
        require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        require(maxSteps >= 0, "--max-steps must be >= 0, got " + maxSteps);
        require(batch >= 1, "--batch must be at least 1, got " + batch);
        require(crop >= 32 && rescale >= crop, "need --crop >= 32 and --rescale >= --crop, got " + crop + " and " + rescale);
        require(workers >= 1, "--workers must be at least 1, got " + workers);
        require(checkpointInterval >= 1, "--checkpoint-interval must be at least 1, got " + checkpointInterval);
        require(keepCheckpoints >= 1, "--keep-checkpoints must be at least 1, got " + keepCheckpoints);
        require(evalInterval >= 0, "--eval-interval must be >= 0, got " + evalInterval);
        require(logInterval >= 1 && hashInterval >= 1, "--log-interval and --hash-interval must be at least 1");
        new AdamSettings(learningRate, beta1, beta2, eps, weightDecay);
    }

    /** Adam's hyper-parameters (checked when the settings are made). */
    public AdamSettings adam() {
        return new AdamSettings(learningRate, beta1, beta2, eps, weightDecay);
    }

    /** The training transform (its seed is replaced per sample). */
    public TrainingTransform transform() {
        return new TrainingTransform(rescale, crop, flip, seed);
    }

    /** The parameters as strings, for params.json and the checkpoint. */
    public Map<String, String> asParams() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("arch", arch.cliName());
        params.put("table", table);
        params.put("train_splits", String.join(",", trainSplits));
        params.put("eval_split", evalSplit == null ? "" : evalSplit);
        params.put("epochs", Integer.toString(epochs));
        params.put("max_steps", Long.toString(maxSteps));
        params.put("batch", Integer.toString(batch));
        params.put("global_batch", Integer.toString(batch * workers));
        params.put("rescale", Integer.toString(rescale));
        params.put("crop", Integer.toString(crop));
        params.put("flip", flip.name().toLowerCase(Locale.ROOT));
        params.put("lr", Double.toString(learningRate));
        params.put("beta1", Double.toString(beta1));
        params.put("beta2", Double.toString(beta2));
        params.put("eps", Double.toString(eps));
        params.put("weight_decay", Double.toString(weightDecay));
        params.put("batch_norm", batchNorm.name().toLowerCase(Locale.ROOT));
        params.put("workers", Integer.toString(workers));
        params.put("seed", Long.toString(seed));
        params.put("checkpoint_interval", Integer.toString(checkpointInterval));
        params.put("init_weights", initWeights == null ? "" : initWeights);
        params.put("eval_interval", Integer.toString(evalInterval));
        return params;
    }

    /** {@link #asParams()} as JSON, as written to params.json and into every checkpoint. */
    public String paramsJson() {
        return ParamsJson.of(asParams());
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
