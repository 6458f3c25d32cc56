package clearbg.jobs.remove;

import clearbg.model.image.Rgba;
import clearbg.model.matting.AlphaMatting;
import clearbg.model.predict.MaskPostProcess;
import java.io.Serializable;

/**
 * How a removal treats each image.
 *
 * @param overwrite redo images whose outputs exist and are not older than the input
 * @param background composite cut-outs on this colour, or null for a transparent background
 * @param postProcess smooth each mask as rembg's {@code post_process_mask} does ({@link MaskPostProcess})
 * @param alphaMatting refine cut-outs (not masks) by alpha matting with these settings, or null
 * @param batchSize images per forward pass
 * @param runStartedMillis when the run started (ms since the epoch): outputs modified since were written by this
 *     run, by another attempt of the same task (Spark's retries and speculation), and count as done, not skipped
 */
public record RemoveSettings(
        boolean overwrite,
        Rgba background,
        boolean postProcess,
        AlphaMatting alphaMatting,
        int batchSize,
        long runStartedMillis)
        implements Serializable {

    /** Bytes per source pixel to reserve after decoding: the pipeline's, plus alpha matting's when on. */
    public long workBytesPerPixel() {
        return RemovalPipeline.WORK_BYTES_PER_PIXEL + (alphaMatting == null ? 0 : AlphaMatting.WORK_BYTES_PER_PIXEL);
    }

    public RemoveSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch must be at least 1, got " + batchSize);
        }
    }
}
