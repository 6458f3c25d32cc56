package clearbg.jobs;

import clearbg.jobs.files.OutputLayout;
import clearbg.jobs.options.NetworkSettings;
import clearbg.jobs.remove.RemoveSettings;
import clearbg.model.image.DecodeLimits;

/**
 * Everything one RemoveBackgroundJob run needs, parsed and validated ({@link RemoveBackgroundJob} builds it from
 * the command line; a test may build it directly).
 *
 * @param input the input prefix (any Hadoop URI)
 * @param output the output prefix
 * @param weights the weights file, or null with {@code verify}
 * @param format what to write per input
 * @param network the network settings
 * @param removal how each image is treated ({@link RemoveSettings#overwrite()}: redo every input)
 * @param limits the image limits
 * @param partitions the task count, or 0 for Spark's default parallelism
 * @param runId the run id (names the report and records folders)
 * @param verify only verify the outputs against their records, process nothing
 * @param inputList a list of the input objects to take instead of listing the input prefix
 *     ({@link clearbg.jobs.spark.InputList}), or null
 * @param since take only inputs modified after this run's start (a run id under the output's reports) or this
 *     ISO-8601 instant, or null for all
 */
public record RemoveJobSettings(
        String input,
        String output,
        String weights,
        OutputLayout.Format format,
        NetworkSettings network,
        RemoveSettings removal,
        DecodeLimits limits,
        int partitions,
        String runId,
        boolean verify,
        String inputList,
        String since) {

    /** The output prefix without trailing slashes. */
    public String outputRoot() {
        return output.replaceAll("/+$", "");
    }
}
