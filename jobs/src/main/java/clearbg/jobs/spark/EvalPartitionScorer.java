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
import org.apache.spark.sql.Row;

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
        ImageDecoder decoder = new ImageDecoder(new DecodeLimits(maxPixels));
        List<Loaded> batch = new ArrayList<>(model.batchSize());
        while (tasks.hasNext()) {
            EvalTask task = tasks.next();
            try {
                byte[] groundTruth = files.read(task.groundTruthUri());
                batch.add(new Loaded(task.dataset(), task.name(), task.sourceUri(),
                        decoder.decode(files.read(task.sourceUri()), task.sourceUri()), groundTruth));
            } catch (ImageDecodeException | IOException e) {
                summary.fail(e.getMessage());
            }
            if (batch.size() == model.batchSize()) {
                predictAndScore(batch, scorer, summary);
                batch.clear();
            }
        }
        predictAndScore(batch, scorer, summary);
        return summary;
    }

    /**
     * Scores rows of an ingested image table ({@code dataset}, {@code id}, {@code image}, {@code mask}
     * columns in that order) with the model; the row's split names the data set in the summary.
     */
    public EvalSummary scoreTableRows(Iterator<Row> rows) {
        EvalSummary summary = new EvalSummary();
        PairScorer scorer = new PairScorer(new DecodeLimits(maxPixels));
        ImageDecoder decoder = new ImageDecoder(new DecodeLimits(maxPixels));
        List<Loaded> batch = new ArrayList<>(model.batchSize());
        while (rows.hasNext()) {
            Row row = rows.next();
            String id = row.getString(1);
            try {
                batch.add(new Loaded(row.getString(0), id, id, decoder.decode((byte[]) row.get(2), id), (byte[]) row.get(3)));
            } catch (ImageDecodeException e) {
                summary.fail(e.getMessage());
            }
            if (batch.size() == model.batchSize()) {
                predictAndScore(batch, scorer, summary);
                batch.clear();
            }
        }
        predictAndScore(batch, scorer, summary);
        return summary;
    }

    /** A decoded photo waiting for its prediction, with its encoded ground truth. */
    private record Loaded(String dataset, String name, String sourceName, FloatImage image, byte[] groundTruth) {}

    private void predictAndScore(List<Loaded> batch, PairScorer scorer, EvalSummary summary) {
        if (batch.isEmpty()) {
            return;
        }
        List<FloatImage> images = batch.stream().map(Loaded::image).toList();
        List<MaskImage> masks = ExecutorModels.predictor(model, files).predict(images);
        for (int i = 0; i < batch.size(); i++) {
            Loaded item = batch.get(i);
            MaskImage mask = masks.get(i);
            try {
                GreyImage prediction = new GreyImage(mask.width(), mask.height(), mask.values());
                summary.add(item.dataset(), item.name(),
                        scorer.score(prediction, item.sourceName(), item.groundTruth(), item.name()).stats());
            } catch (ImageDecodeException e) {
                summary.fail(e.getMessage());
            }
        }
    }
}
