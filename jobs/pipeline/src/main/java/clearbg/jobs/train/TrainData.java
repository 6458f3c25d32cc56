package clearbg.jobs.train;

import java.io.Serializable;
import java.util.List;

/**
 * The samples a training reads and the split it is evaluated on.
 *
 * @param source an IngestJob table (its root with manifest.json, or the Parquet folder) for TrainJob; the data
 *     set folder for {@code clearbg train}
 * @param trainSplits the splits to train on
 * @param evalSplit the split to evaluate on, or null
 * @param evalInterval epochs between evaluations (0: only at the end)
 * @param earlyStopping stop after this many periodic evaluations without a better max-F, the best checkpoint's
 *     weights being the run's result ({@link EarlyStopping}); 0: off
 */
public record TrainData(String source, List<String> trainSplits, String evalSplit, int evalInterval, int earlyStopping)
        implements Serializable {

    public TrainData {
        trainSplits = List.copyOf(trainSplits);
        TrainSettings.require(!trainSplits.isEmpty(), "--train-splits must name at least one split");
        TrainSettings.require(evalInterval >= 0, "--eval-interval must be >= 0, got " + evalInterval);
        TrainSettings.require(earlyStopping >= 0, "--early-stopping must be >= 0, got " + earlyStopping);
        TrainSettings.require(
                earlyStopping == 0 || (evalSplit != null && evalInterval > 0),
                "--early-stopping needs periodic evaluations: --eval-split and --eval-interval above 0");
    }
}
