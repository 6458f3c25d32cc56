package clearbg.model.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads weights in either supported format, recognised by content, never by file name: a zip archive
 * ({@code PK\3\4}) or a legacy pickle ({@code \x80}) goes to {@link PthReader}; eight bytes followed by
 * {@code '{'} (a length-prefixed JSON header) to {@link SafetensorsReader}; anything else is a
 * {@link WeightsFormatException}. A training checkpoint holds the optimiser state beside the weights,
 * under {@link #OPTIMIZER_PREFIX}; these entries are left out, so a checkpoint reads as its weights.
 */
public final class Weights {
    /** Names starting with this are optimiser state, not weights. */
    public static final String OPTIMIZER_PREFIX = "optimizer.";

    private static final int PROBE_BYTES = 9;

    private enum Format {
        PTH,
        SAFETENSORS
    }

    private Weights() {}

    /** Reads the weights in {@code file}; errors name the file. */
    public static StateDict read(Path file) throws IOException {
        return read(file, Long.MAX_VALUE);
    }

    /**
     * Reads the weights in {@code file}, refusing a {@code .pth} tensor that declares more than {@code maxElements}
     * elements before its storage is read (safetensors data is read as the file holds it, so a lying header
     * costs no more than the file's size).
     */
    public static StateDict read(Path file, long maxElements) throws IOException {
        String source = file.toString();
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(PROBE_BYTES);
        }
        StateDict all = detect(head, source) == Format.PTH
                ? PthReader.read(file, maxElements)
                : SafetensorsReader.read(file, Weights::isWeight);
        return all.withoutPrefix(OPTIMIZER_PREFIX);
    }

    /** Reads the weights from {@code in} (not closed); {@code sourceName} names it in error messages. */
    public static StateDict read(InputStream in, String sourceName) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in);
        buffered.mark(PROBE_BYTES);
        byte[] head = buffered.readNBytes(PROBE_BYTES);
        buffered.reset();
        StateDict all = detect(head, sourceName) == Format.PTH
                ? PthReader.read(buffered, sourceName)
                : SafetensorsReader.read(buffered, sourceName, Weights::isWeight);
        return all.withoutPrefix(OPTIMIZER_PREFIX);
    }

    private static Format detect(byte[] head, String source) throws WeightsFormatException {
        if (head.length == 0) {
            throw new WeightsFormatException(source, "file is empty");
        }
        boolean zip = head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        if (zip) {
            return Format.PTH;
        }
        // safetensors before the legacy pickle: its 8-byte header length may well start with the byte 0x80 (a
        // header of 128, 384, ... bytes), while a legacy torch.save file's 9th byte is inside its magic number
        if (head.length == PROBE_BYTES && head[PROBE_BYTES - 1] == '{') {
            return Format.SAFETENSORS;
        }
        if ((head[0] & 0xff) == 0x80) {
            return Format.PTH;
        }
        throw new WeightsFormatException(
                source,
                "neither a PyTorch checkpoint (a zip archive starting with "
                        + "PK\\3\\4) nor a safetensors file (an 8-byte header length, then a JSON object)");
    }

    /** Whether the entry {@code name} is a weight rather than a checkpoint's optimiser state. */
    private static boolean isWeight(String name) {
        return !name.startsWith(OPTIMIZER_PREFIX);
    }
}
