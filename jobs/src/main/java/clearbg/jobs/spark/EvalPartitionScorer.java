package clearbg.jobs.spark;

import clearbg.model.image.DecodeLimits;
import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.metric.GreyImage;
import clearbg.model.metric.PairScorer;
import clearbg.model.predict.MaskImage;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Scores one partition of {@link EvalTask}s into an {@link EvalSummary} on an executor. Without a model
 * the tasks' sources are predicted maps; with one, they are photos, predicted in batches by the executor's
 * shared model. One unreadable file is a failure row, never a failed task.
 */
public final class EvalPartitionScorer implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HadoopFiles files;
    private final ModelSpec model;
    private final long maxPixels;

    /**
     * @param files how to read the URIs
     * @param model the model to predict with, or null when the sources are predictions
     * @param maxPixels images over this many pixels are refused
     */
    public EvalPartitionScorer(HadoopFiles files, ModelSpec model, long maxPixels) {
        this.files = files;
        this.model = model;
        this.maxPixels = maxPixels;
    }

    /** Scores every task of the partition. */
    public EvalSummary score(Iterator<EvalTask> tasks) {
        EvalSummary summary = new EvalSummary();
        PairScorer scorer = new PairScorer(new DecodeLimits(maxPixels));
        if (model == null) {
            while (tasks.hasNext()) {
                EvalTask task = tasks.next();
                try {
                    summary.add(task.dataset(), task.name(), scorer.score(files.read(task.sourceUri()), task.sourceUri(),
                            files.read(task.groundTruthUri()), task.groundTruthUri()).stats());
                } catch (ImageDecodeException | IOException e) {
                    summary.fail(e.getMessage());
                }
            }
            return summary;
        }
        List<EvalTask> batch = new ArrayList<>(model.batchSize());
        while (tasks.hasNext()) {
            batch.add(tasks.next());
            if (batch.size() == model.batchSize() || !tasks.hasNext()) {
                predictAndScore(batch, scorer, summary);
                batch.clear();
            }
        }
        return summary;
    }

    private void predictAndScore(List<EvalTask> batch, PairScorer scorer, EvalSummary summary) {
        ImageDecoder decoder = new ImageDecoder(new DecodeLimits(maxPixels));
        List<EvalTask> ready = new ArrayList<>();
        List<FloatImage> images = new ArrayList<>();
        List<byte[]> groundTruth = new ArrayList<>();
        for (EvalTask task : batch) {
            try {
                groundTruth.add(files.read(task.groundTruthUri()));
                images.add(decoder.decode(files.read(task.sourceUri()), task.sourceUri()));
                ready.add(task);
            } catch (ImageDecodeException | IOException e) {
                if (groundTruth.size() > images.size()) {
                    groundTruth.remove(groundTruth.size() - 1);
                }
                summary.fail(e.getMessage());
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        List<MaskImage> masks = ExecutorModels.predictor(model, files).predict(images);
        for (int i = 0; i < ready.size(); i++) {
            EvalTask task = ready.get(i);
            MaskImage mask = masks.get(i);
            try {
                GreyImage prediction = new GreyImage(mask.width(), mask.height(), mask.values());
                summary.add(task.dataset(), task.name(), scorer.score(prediction, task.sourceUri(), groundTruth.get(i),
                        task.groundTruthUri()).stats());
            } catch (ImageDecodeException e) {
                summary.fail(e.getMessage());
            }
        }
    }
}
