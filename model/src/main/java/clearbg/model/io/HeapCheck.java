package clearbg.model.io;

/**
 * Refuses a read whose raw bytes plus decoded tensors would not fit in this JVM's maximum heap
 * ({@link Runtime#maxMemory()}), before any of it is read: a clear error naming the file instead of an
 * {@link OutOfMemoryError} halfway through. A lower bound of what the read needs, not a reservation.
 */
final class HeapCheck {
    private HeapCheck() {}

    /** Heap bytes of {@code numel} decoded elements: 4 per FLOAT32 element, 8 per INT64. */
    static long decodedBytes(TensorType type, long numel) {
        return numel * (type == TensorType.FLOAT32 ? Float.BYTES : Long.BYTES);
    }

    /**
     * Passes if {@code rawBytes + decodedBytes <= Runtime.maxMemory()}.
     *
     * @param rawBytes the file's bytes held while decoding (storages, a safetensors buffer)
     * @param decodedBytes the decoded tensors, from {@link #decodedBytes}
     * @throws WeightsFormatException naming {@code source} otherwise
     */
    static void require(long rawBytes, long decodedBytes, String source) throws WeightsFormatException {
        long heap = Runtime.getRuntime().maxMemory();
        if (rawBytes + decodedBytes > heap) {
            throw new WeightsFormatException(
                    source,
                    "reading needs " + rawBytes + " bytes of raw data and " + decodedBytes
                            + " bytes of tensors, more than this JVM's maximum heap of " + heap + " bytes");
        }
    }
}
