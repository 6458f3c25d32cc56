package clearbg.model.train;

/** How BatchNorm layers behave while training. */
public enum BatchNormMode {
    /**
     * PyTorch's {@code model.train()}: each replica normalises by its own batch's statistics and updates
     * the running ones (as DistributedDataParallel without SyncBatchNorm).
     */
    BATCH_STATISTICS,
    /**
     * PyTorch's {@code SyncBatchNorm}: training mode over the global batch of all replicas (the mean and variance of
     * every replica's samples together, in forward and backward), so that {@code n} replicas of batch {@code b}
     * train as one replica of batch {@code n b}. Needs a {@link clearbg.model.nn.BatchNormFunction} that exchanges
     * the statistics (the native bridge's SyncBatchNorm); with one replica it is {@link #BATCH_STATISTICS}.
     */
    SYNC,
    /**
     * The running statistics normalise and stay fixed (PyTorch's {@code bn.eval()} during training, common when
     * fine-tuning); the affine weight and bias still learn. The result of a step then does not depend on how a
     * batch is split across replicas.
     */
    FROZEN
}
