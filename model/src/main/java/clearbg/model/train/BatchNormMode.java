package clearbg.model.train;

/** How BatchNorm layers behave while training. */
public enum BatchNormMode {
    /**
     * PyTorch's {@code model.train()}: each replica normalises by its own batch's statistics and updates
     * the running ones (as DistributedDataParallel without SyncBatchNorm).
     */
    BATCH_STATISTICS,
    /**
     * The running statistics normalise and stay fixed (PyTorch's {@code bn.eval()} during training, common when
     * fine-tuning); the affine weight and bias still learn. The result of a step then does not depend on how a
     * batch is split across replicas.
     */
    FROZEN
}
