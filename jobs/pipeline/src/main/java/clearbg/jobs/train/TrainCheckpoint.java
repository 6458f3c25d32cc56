package clearbg.jobs.train;

import clearbg.model.io.StateDict;

/**
 * Everything a replica needs to continue training: the weights with their BatchNorm statistics, Adam's
 * state (entries under {@code optimizer.}) and where training stands.
 */
public record TrainCheckpoint(CheckpointInfo info, StateDict weights, StateDict optimizer) {}
