package clearbg.jobs.train;

import clearbg.model.nn.Arch;
import clearbg.model.nn.Stem;
import clearbg.model.train.BatchNormMode;
import clearbg.model.transform.FlipMode;
import clearbg.model.transform.InputNormalisation;
import clearbg.model.transform.TrainingTransform;
import java.io.Serializable;

/**
 * What is trained and how the data is augmented, the same for {@code clearbg train} and TrainJob.
 *
 * @param arch the network trained: u2net, u2netp, isnet, or isnet-gt-encoder (on the labels alone)
 * @param epochs passes over the training samples
 * @param maxSteps stop after this many optimiser steps in all (0: train every epoch whole)
 * @param batch images per replica and step (global batch = batch x replicas)
 * @param rescale RescaleT size
 * @param crop RandomCrop size
 * @param flip random flips of the training transform
 * @param batchNorm batch statistics per replica, or frozen running statistics
 * @param seed initialisation, data order and augmentation seed
 * @param intermediateSupervision IS-Net only: the frozen ground-truth encoder's weights whose features supervise
 *     IS-Net's decoder features (the feature MSE added to the loss), or null for the BCE alone
 */
public record TrainRecipe(
        Arch arch,
        int epochs,
        long maxSteps,
        int batch,
        int rescale,
        int crop,
        FlipMode flip,
        BatchNormMode batchNorm,
        long seed,
        String intermediateSupervision)
        implements Serializable {

    public TrainRecipe {
        TrainSettings.require(epochs >= 1, "--epochs must be at least 1, got " + epochs);
        TrainSettings.require(maxSteps >= 0, "--max-steps must be >= 0, got " + maxSteps);
        TrainSettings.require(batch >= 1, "--batch must be at least 1, got " + batch);
        TrainSettings.require(
                crop >= 32 && rescale >= crop,
                "need --crop >= 32 and --rescale >= --crop, got " + crop + " and " + rescale);
        TrainSettings.require(
                crop >= arch.minInputSize(),
                arch.cliName() + " needs --crop >= " + arch.minInputSize() + ", got " + crop);
        TrainSettings.require(
                intermediateSupervision == null || arch == Arch.ISNET,
                "--intermediate-supervision is for --arch isnet, not " + arch.cliName());
    }

    /** This recipe with another per-replica batch. */
    public TrainRecipe withBatch(int otherBatch) {
        return new TrainRecipe(
                arch, epochs, maxSteps, otherBatch, rescale, crop, flip, batchNorm, seed, intermediateSupervision);
    }

    /**
     * The training transform (its seed is replaced per sample), normalising as the architecture's inference does:
     * IS-Net and its encoder with {@link InputNormalisation#IS_NET}, U²-Net with ToTensorLab.
     */
    public TrainingTransform transform() {
        return new TrainingTransform(
                rescale,
                crop,
                flip,
                seed,
                arch.stem() == Stem.NONE ? InputNormalisation.TO_TENSOR_LAB : InputNormalisation.IS_NET);
    }
}
