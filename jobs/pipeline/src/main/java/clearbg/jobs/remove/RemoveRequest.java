package clearbg.jobs.remove;

import java.io.Serializable;
import java.util.List;

/**
 * One input image of a background removal and where its outputs go.
 *
 * @param key the name reports use (the input's key relative to the input prefix, or its path)
 * @param input the input's location in the {@link clearbg.jobs.files.FileStore}
 * @param inputBytes its size as listed, or -1 when unknown
 * @param inputModified its modification time (ms since the epoch)
 * @param outputs the outputs to write, in order
 */
public record RemoveRequest(String key, String input, long inputBytes, long inputModified, List<Output> outputs)
        implements Serializable {

    /**
     * One output of an input.
     *
     * @param location where it is written
     * @param mask true for the 8-bit mask, false for the cut-out (or composite)
     */
    public record Output(String location, boolean mask) implements Serializable {}

    public RemoveRequest {
        outputs = List.copyOf(outputs);
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException(key + ": no outputs");
        }
    }
}
