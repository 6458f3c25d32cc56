package clearbg.jobs.remove;

import clearbg.jobs.files.FileStore;
import clearbg.jobs.files.Sha256;
import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodedImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.PngEncoder;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.MaskPostProcess;
import clearbg.model.predict.Phase;
import clearbg.model.predict.PhaseTimer;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The one background-removal pipeline of {@code clearbg remove} and RemoveBackgroundJob's partitions: for
 * each {@link RemoveRequest}, in order,
 *
 * <ol>
 *   <li>skip it when every output exists and is not older than the input (unless overwriting);</li>
 *   <li>read and decode it within the image limits and the JVM's image memory budget
 *       ({@link BudgetedDecoder}; {@link #WORK_BYTES_PER_PIXEL} counts the mask and PNG work);</li>
 *   <li>predict {@link RemoveSettings#batchSize()} images per forward pass, and smooth the masks when
 *       {@link RemoveSettings#postProcess()} says so;</li>
 *   <li>encode each output (8-bit grey mask, or RGBA cut-out / composite on the background colour, alpha-matted
 *       when {@link RemoveSettings#alphaMatting()} is set) and write it whole.</li>
 * </ol>
 * Every request yields exactly one {@link RemoveOutcome}; a bad image (refused, undecodable, out of
 * memory, unwritable) is a failed outcome with its reason, never an exception. Each instance is used by
 * one thread; the store, decoder and predictor may be shared.
 */
public final class RemovalPipeline {

    /**
     * Bytes per source pixel allocated after decoding: the mask as floats (4) and bytes (1), the RGBA rows
     * of a cut-out (4) and the PNG being written (about 4), with room for a second output: 16.
     */
    public static final long WORK_BYTES_PER_PIXEL = 16;

    private final FileStore store;
    private final BudgetedDecoder decoder;
    private final MaskPredictor predictor;
    private final RemoveSettings settings;
    private final PhaseTimer timer;

    private final List<RemoveRequest> batch = new ArrayList<>();
    private final List<DecodedImage> images = new ArrayList<>();
    private final List<Long> decodeNanos = new ArrayList<>();
    private List<RemoveOutcome> outcomes;

    /**
     * @param timer where the time per phase is added up (decode, resize, forward, encode, write)
     */
    public RemovalPipeline(
            FileStore store,
            BudgetedDecoder decoder,
            MaskPredictor predictor,
            RemoveSettings settings,
            PhaseTimer timer) {
        this.store = store;
        this.decoder = decoder;
        this.predictor = predictor;
        this.settings = settings;
        this.timer = timer;
    }

    /** Processes {@code requests}; the outcomes come in request order. */
    public List<RemoveOutcome> process(Iterator<RemoveRequest> requests) {
        outcomes = new ArrayList<>();
        try {
            while (requests.hasNext()) {
                RemoveRequest request = requests.next();
                decodeOrSkip(request);
                if (batch.size() == settings.batchSize()) {
                    predictAndWrite();
                }
            }
            predictAndWrite();
            return outcomes;
        } finally {
            images.forEach(DecodedImage::close);
            clearBatch();
        }
    }

    private void decodeOrSkip(RemoveRequest request) {
        try {
            long oldestOutput = oldestOutputModified(request);
            if (oldestOutput >= settings.runStartedMillis()) {
                outcomes.add(RemoveOutcome.doneEarlier(
                        request.key(),
                        "written by another attempt of this run (a retried or speculative task)",
                        outputDigests(request)));
                return;
            }
            if (!settings.overwrite() && oldestOutput >= request.inputModified()) {
                outcomes.add(RemoveOutcome.skippedKey(request.key(), "outputs exist and are not older than the input"));
                return;
            }
            long start = System.nanoTime();
            DecodedImage image = decoder.decode(
                    request.key(),
                    request.inputBytes(),
                    maxBytes -> store.read(request.input(), maxBytes),
                    this::predictAndWrite);
            decodeNanos.add(timer.stop(Phase.DECODE, start));
            images.add(image);
            batch.add(request);
        } catch (ImageDecodeException | IOException e) {
            outcomes.add(RemoveOutcome.failedKey(request.key(), reason(request, e)));
        } catch (OutOfMemoryError e) {
            outcomes.add(RemoveOutcome.failedKey(request.key(), request.key() + ": ran out of memory while reading"));
        }
    }

    private static String reason(RemoveRequest request, Exception e) {
        String message = String.valueOf(e.getMessage());
        return e instanceof ImageDecodeException || message.startsWith(request.key())
                ? message
                : request.key() + ": " + message;
    }

    /** The SHA-256 of each of the request's outputs as they are in the store. */
    private List<String> outputDigests(RemoveRequest request) throws IOException {
        List<String> digests = new ArrayList<>(request.outputs().size());
        for (RemoveRequest.Output output : request.outputs()) {
            digests.add(Sha256.of(store, output.location()));
        }
        return digests;
    }

    /** The modification time of the request's oldest output (-1 when one is missing). */
    private long oldestOutputModified(RemoveRequest request) throws IOException {
        long oldest = Long.MAX_VALUE;
        for (RemoveRequest.Output output : request.outputs()) {
            oldest = Math.min(oldest, store.modificationTime(output.location()));
        }
        return oldest;
    }

    private void predictAndWrite() {
        if (batch.isEmpty()) {
            return;
        }
        try {
            long start = System.nanoTime();
            List<MaskImage> masks;
            try {
                masks = predictor.predict(
                        images.stream().map(DecodedImage::image).toList(), timer);
            } catch (RuntimeException | OutOfMemoryError e) {
                batch.forEach(request -> outcomes.add(RemoveOutcome.failedKey(
                        request.key(), request.key() + ": prediction failed: " + e.getMessage())));
                return;
            }
            long predictEach = (System.nanoTime() - start) / batch.size();
            for (int i = 0; i < batch.size(); i++) {
                MaskImage mask = settings.postProcess() ? MaskPostProcess.apply(masks.get(i)) : masks.get(i);
                outcomes.add(writeOutputs(batch.get(i), images.get(i), mask, decodeNanos.get(i), predictEach));
                images.get(i).close();
            }
        } finally {
            images.forEach(DecodedImage::close);
            clearBatch();
        }
    }

    private RemoveOutcome writeOutputs(
            RemoveRequest request, DecodedImage image, MaskImage mask, long decode, long predict) {
        try {
            long encodeStart = System.nanoTime();
            List<byte[]> encoded = new ArrayList<>(request.outputs().size());
            for (RemoveRequest.Output output : request.outputs()) {
                encoded.add(encode(image, mask, output.mask()));
            }
            long encodeNanos = timer.stop(Phase.ENCODE, encodeStart);
            long writeStart = System.nanoTime();
            for (int k = 0; k < encoded.size(); k++) {
                String location = request.outputs().get(k).location();
                try {
                    store.write(location, encoded.get(k));
                } catch (IOException | RuntimeException e) {
                    return RemoveOutcome.failedKey(
                            request.key(), request.key() + ": cannot write " + location + ": " + writeFailure(e));
                }
            }
            long writeNanos = timer.stop(Phase.WRITE, writeStart);
            return new RemoveOutcome(
                    request.key(),
                    RemoveOutcome.DONE,
                    "",
                    decode,
                    predict,
                    encodeNanos,
                    writeNanos,
                    encoded.stream().map(Sha256::of).toList());
        } catch (RuntimeException e) {
            return RemoveOutcome.failedKey(request.key(), request.key() + ": cannot encode its outputs: " + e);
        } catch (OutOfMemoryError e) {
            return RemoveOutcome.failedKey(
                    request.key(), request.key() + ": ran out of memory while encoding the outputs");
        }
    }

    private byte[] encode(DecodedImage image, MaskImage mask, boolean maskOutput) {
        if (maskOutput) {
            return PngEncoder.encodeGrey(mask.values(), mask.width(), mask.height());
        }
        return CutoutEncoder.encode(image.image(), mask, settings.alphaMatting(), settings.background());
    }

    private void clearBatch() {
        batch.clear();
        images.clear();
        decodeNanos.clear();
    }

    /**
     * Why a write failed, in words: "permission denied" (the JDK's message is only the path), the file system's
     * reason ("No space left on device"), or the message.
     */
    static String writeFailure(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return String.valueOf(e.getMessage());
    }
}
