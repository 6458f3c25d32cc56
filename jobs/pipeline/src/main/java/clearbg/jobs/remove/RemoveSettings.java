package clearbg.jobs.remove;

import clearbg.model.image.Rgba;
import clearbg.model.predict.MaskPostProcess;
import java.io.Serializable;

/**
 * How a removal treats each image.
 *
 * @param overwrite redo images whose outputs exist and are not older than the input
 * @param background composite cut-outs on this colour, or null for a transparent background
 * @param postProcess smooth each mask as rembg's {@code post_process_mask} does ({@link MaskPostProcess})
 * @param batchSize images per forward pass
 * @param runStartedMillis when the run started (ms since the epoch): outputs modified since were written by this
 *     run, by another attempt of the same task (Spark's retries and speculation), and count as done, not skipped
 */
public record RemoveSettings(
        boolean overwrite, Rgba background, boolean postProcess, int batchSize, long runStartedMillis)
        implements Serializable {

    public RemoveSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batchSize);
        }
    }
}
