package clearbg.jobs.train;

import clearbg.model.nn.Arch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a checkpoint stands: the global step (optimiser updates done), the epoch that step belongs to and
 * how far into it, plus what is needed to check that a resumed run is the same run.
 *
 * @param arch the architecture of the weights
 * @param step optimiser steps done since the start of training
 * @param epoch the epoch the next step belongs to
 * @param stepInEpoch steps of {@code epoch} already done (the data cursor: the next batch of every replica
 *     starts at shard position {@code stepInEpoch * batch})
 * @param seed the run seed (with epoch and sample ids it fixes every random draw, so it is the RNG state)
 * @param workers replicas
 * @param batch images per replica and step
 * @param paramsJson the resolved training parameters
 * @param trackingRunId the MLflow run, or empty
 * @param epochSteps replica 0's logs of the {@code stepInEpoch} steps of {@code epoch} already done; at an epoch's
 *     start ({@code stepInEpoch} 0) the logs of the epoch just finished. A stage that resumes mid-epoch returns
 *     them with its own, and a stage retried after its epoch's last checkpoint returns the finished epoch's, so
 *     no step goes missing from {@code steps.csv} when Spark retries a failed stage
 */
public record CheckpointInfo(
        Arch arch,
        long step,
        int epoch,
        int stepInEpoch,
        long seed,
        int workers,
        int batch,
        String paramsJson,
        String trackingRunId,
        List<StepLog> epochSteps) {

    /** Written in every checkpoint's safetensors metadata under {@code format}. */
    public static final String FORMAT = "clearbg-train-checkpoint-1";

    public CheckpointInfo {
        epochSteps = List.copyOf(epochSteps);
    }

    /** The safetensors metadata holding this record. */
    public Map<String, String> toMetadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("arch", arch.cliName());
        metadata.put("step", Long.toString(step));
        metadata.put("epoch", Integer.toString(epoch));
        metadata.put("step_in_epoch", Integer.toString(stepInEpoch));
        metadata.put("seed", Long.toString(seed));
        metadata.put("workers", Integer.toString(workers));
        metadata.put("batch", Integer.toString(batch));
        metadata.put("params", paramsJson);
        metadata.put("tracking_run_id", trackingRunId);
        metadata.put("epoch_steps", epochSteps.stream().map(StepLog::csvLine).collect(Collectors.joining("\n")));
        return metadata;
    }

    /**
     * Reads the record back.
     *
     * @throws IllegalArgumentException naming {@code source} when the metadata is not a training checkpoint's
     */
    public static CheckpointInfo fromMetadata(Map<String, String> metadata, String source) {
        if (!FORMAT.equals(metadata.get("format"))) {
            throw new IllegalArgumentException(source + " is not a clearbg training checkpoint (format is "
                    + metadata.get("format") + ", expected " + FORMAT + ")");
        }
        try {
            return new CheckpointInfo(
                    Arch.parse(require(metadata, "arch", source)),
                    Long.parseLong(require(metadata, "step", source)),
                    Integer.parseInt(require(metadata, "epoch", source)),
                    Integer.parseInt(require(metadata, "step_in_epoch", source)),
                    Long.parseLong(require(metadata, "seed", source)),
                    Integer.parseInt(require(metadata, "workers", source)),
                    Integer.parseInt(require(metadata, "batch", source)),
                    require(metadata, "params", source),
                    metadata.getOrDefault("tracking_run_id", ""),
                    epochSteps(metadata.getOrDefault("epoch_steps", ""), source));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    source + ": a number in its metadata does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * The step logs under {@code epoch_steps}, one CSV line each (checkpoints written before there was such a key have
     * none).
     */
    private static List<StepLog> epochSteps(String lines, String source) {
        try {
            return lines.lines().map(StepLog::parseCsvLine).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    source + ": its epoch_steps metadata does not parse: " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> metadata, String key, String source) {
        String value = metadata.get(key);
        if (value == null) {
            throw new IllegalArgumentException(source + ": checkpoint metadata lacks '" + key + "'");
        }
        return value;
    }
}
