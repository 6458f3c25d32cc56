package clearbg.cli.serve;

/**
 * How {@code clearbg serve} listens and queues.
 *
 * @param host the address to listen on (127.0.0.1 by default: only this machine)
 * @param port the TCP port (0: any free port)
 * @param workers threads running forward passes at the same time
 * @param queueCapacity images that may wait for a forward pass; more are refused with 503
 * @param batchSize most images in one forward pass
 * @param batchWaitMillis how long a worker waits for more images after the first of a pass
 * @param maxBodyBytes the largest request body accepted (413 above)
 */
public record ServeSettings(
        String host, int port, int workers, int queueCapacity, int batchSize, int batchWaitMillis, long maxBodyBytes) {

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
