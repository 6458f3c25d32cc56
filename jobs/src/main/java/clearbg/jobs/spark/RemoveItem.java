package clearbg.jobs.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One input image of a background-removal run.
 *
 * @param key the input's key relative to the input prefix
 * @param inputUri the input object
 * @param inputModified the input's modification time (ms since the epoch)
 * @param outputUris where the outputs go (cut-out first, then mask, as the layout says)
 * @param maskOutput for each output: true when it is the mask
 */
public record RemoveItem(String key, String inputUri, long inputModified, List<String> outputUris, List<Boolean> maskOutput)
        implements Serializable {

    public RemoveItem {
        outputUris = List.copyOf(outputUris);
        maskOutput = List.copyOf(maskOutput);
    }
}
