package clearbg.jobs.spark;

import clearbg.model.image.DecodeLimits;
import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.image.PngEncoder;
import clearbg.model.image.Rgba;
import clearbg.model.predict.MaskImage;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Removes the backgrounds of one partition of {@link RemoveItem}s on an executor: skips items whose
 * outputs exist and are at least as new as the input (unless overwriting), decodes, predicts in batches
 * with the executor's shared model, encodes PNGs and writes each output whole. Every item yields exactly
 * one {@link RemoveOutcome}; one bad image never fails the task.
 */
public final class RemovePartitionWorker implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HadoopFiles files;
    private final ModelSpec model;
    private final long maxPixels;
    private final boolean overwrite;
    private final Rgba background;

    /**
     * @param background composite colour for cut-outs, or null for a transparent background
     */
    public RemovePartitionWorker(HadoopFiles files, ModelSpec model, long maxPixels, boolean overwrite, Rgba background) {
        this.files = files;
        this.model = model;
        this.maxPixels = maxPixels;
        this.overwrite = overwrite;
        this.background = background;
    }

    /** Processes the partition; the outcomes come in input order. */
    public Iterator<RemoveOutcome> process(Iterator<RemoveItem> items) {
        ImageDecoder decoder = new ImageDecoder(new DecodeLimits(maxPixels));
        List<RemoveOutcome> outcomes = new ArrayList<>();
        List<RemoveItem> batch = new ArrayList<>();
        List<FloatImage> images = new ArrayList<>();
        List<Long> decodeNanos = new ArrayList<>();
        while (items.hasNext()) {
            RemoveItem item = items.next();
            try {
                if (!overwrite && upToDate(item)) {
                    outcomes.add(RemoveOutcome.skippedKey(item.key(), "outputs exist and are not older than the input"));
                    continue;
                }
                long start = System.nanoTime();
                images.add(decoder.decode(files.read(item.inputUri()), item.key()));
                decodeNanos.add(System.nanoTime() - start);
                batch.add(item);
            } catch (ImageDecodeException | IOException e) {
                outcomes.add(RemoveOutcome.failedKey(item.key(), e.getMessage()));
            }
            if (batch.size() == model.batchSize()) {
                predictAndWrite(batch, images, decodeNanos, outcomes);
            }
        }
        if (!batch.isEmpty()) {
            predictAndWrite(batch, images, decodeNanos, outcomes);
        }
        return outcomes.iterator();
    }

    private boolean upToDate(RemoveItem item) throws IOException {
        for (String output : item.outputUris()) {
            if (files.modificationTime(output) < item.inputModified()) {
                return false;
            }
        }
        return true;
    }

    private void predictAndWrite(List<RemoveItem> batch, List<FloatImage> images, List<Long> decodeNanos, List<RemoveOutcome> outcomes) {
        long start = System.nanoTime();
        List<MaskImage> masks;
        try {
            masks = ExecutorModels.predictor(model, files).predict(images);
        } catch (RuntimeException e) {
            batch.forEach(item -> outcomes.add(RemoveOutcome.failedKey(item.key(), "prediction failed: " + e.getMessage())));
            clear(batch, images, decodeNanos);
            return;
        }
        long predictEach = (System.nanoTime() - start) / batch.size();
        for (int i = 0; i < batch.size(); i++) {
            RemoveItem item = batch.get(i);
            try {
                long encodeStart = System.nanoTime();
                List<byte[]> encoded = new ArrayList<>();
                for (boolean mask : item.maskOutput()) {
                    encoded.add(encode(images.get(i), masks.get(i), mask));
                }
                long writeStart = System.nanoTime();
                for (int k = 0; k < encoded.size(); k++) {
                    files.write(item.outputUris().get(k), encoded.get(k));
                }
                long end = System.nanoTime();
                outcomes.add(new RemoveOutcome(item.key(), RemoveOutcome.DONE, "", decodeNanos.get(i), predictEach,
                        writeStart - encodeStart, end - writeStart));
            } catch (IOException | RuntimeException e) {
                outcomes.add(RemoveOutcome.failedKey(item.key(), "cannot write output: " + e.getMessage()));
            }
        }
        clear(batch, images, decodeNanos);
    }

    private static void clear(List<RemoveItem> batch, List<FloatImage> images, List<Long> decodeNanos) {
        batch.clear();
        images.clear();
        decodeNanos.clear();
    }

    private byte[] encode(FloatImage image, MaskImage mask, boolean maskOutput) {
        if (maskOutput) {
            return PngEncoder.encodeGrey(mask.values(), mask.width(), mask.height());
        }
        return background == null ? PngEncoder.encodeRgba(image, mask.values())
                : PngEncoder.encodeOver(image, mask.values(), background);
    }
}
