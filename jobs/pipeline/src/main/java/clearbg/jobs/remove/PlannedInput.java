package clearbg.jobs.remove;

import java.io.Serializable;
import java.util.List;

/**
 * An input a removal run plans to process, with what its record will say about it.
 *
 * @param request what to read and where to write
 * @param inputVersion the input's {@link InputVersion} as listed
 * @param outputKeys the outputs' keys under the output prefix, in the order of the request's outputs
 */
public record PlannedInput(RemoveRequest request, String inputVersion, List<String> outputKeys)
        implements Serializable {

    public PlannedInput {
        outputKeys = List.copyOf(outputKeys);
        if (outputKeys.size() != request.outputs().size()) {
            throw new IllegalArgumentException(request.key() + ": one output key per output");
        }
    }
}
