package clearbg.cli.serve;

/**
 * How {@code clearbg serve} listens and queues.
 *
 * @param host the address to listen on (127.0.0.1 by default: only this machine)
 * @param port the TCP port (0: any free port)
 * @param workers threads running forward passes at the same time
 * @param queueCapacity requests that may wait for a worker besides the {@code workers} being worked on; more are
 *     refused with 503 before their image is decoded
 * @param batchSize most images in one forward pass
 * @param batchWaitMillis how long a worker waits for more images after the first of a pass
 * @param maxBodyBytes the largest request body accepted (413 above)
 * @param matting the limits of alpha matting ({@code a})
 */
public record ServeSettings(
        String host,
        int port,
        int workers,
        int queueCapacity,
        int batchSize,
        int batchWaitMillis,
        long maxBodyBytes,
        MattingLimits matting) {

    /**
     * What one alpha-matting request may cost: matting's work grows faster than the pixels (the solver's
     * iterations grow with the unknown region's size), so it has a pixel cap of its own, and a deadline from
     * the moment it is queued; past the deadline (or when the client goes away) it stops and the worker is
     * free again.
     *
     * @param maxPixels the largest image matted (422 above)
     * @param timeoutMillis how long matting may wait and run (504 after)
     */
    public record MattingLimits(long maxPixels, long timeoutMillis) {

        /** About a Full HD photo (1920x1080 = 2,073,600 pixels) and then some: 2,100,000 pixels. */
        public static final long DEFAULT_MAX_PIXELS = 2_100_000;

        public MattingLimits {
            if (maxPixels < 1 || timeoutMillis < 1) {
                throw new IllegalArgumentException("--matting-max-pixels and --matting-timeout must be positive");
            }
        }
    }

    public ServeSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (workers < 1 || queueCapacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("--workers, --queue and --batch must be at least 1");
        }
        if (batchWaitMillis < 0 || maxBodyBytes < 1) {
            throw new IllegalArgumentException("--batch-wait must be at least 0 and --max-body at least 1 byte");
        }
    }
}
