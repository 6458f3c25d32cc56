package clearbg.jobs.spark;

import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.DecodedImage;
import clearbg.model.image.ImageDecodeException;
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
 * shared model. Files are read and decoded within the {@link DecodeLimits} and the executor's image memory
 * budget; a photo's memory is given back once its mask is predicted, before its ground truth is decoded.
 * One unreadable or refused file is a failure row, never a failed task.
 */
public final class EvalPartitionScorer implements Serializable {

    private static final long serialVersionUID = 3L;
    /** Bytes per photo pixel allocated after decoding: the mask predicted at the photo's size, as floats and bytes. */
    private static final long PHOTO_WORK_BYTES_PER_PIXEL = 8;

    private final HadoopFiles files;
    private final ModelSpec model;
    private final DecodeLimits limits;
    private final boolean dis;

    /**
     * @param files how to read the URIs
     * @param model the model to predict with, or null when the sources are predictions
     * @param limits the image limits
     */
    public EvalPartitionScorer(HadoopFiles files, ModelSpec model, DecodeLimits limits) {
        this(files, model, limits, false);
    }

    /**
     * @param files how to read the URIs
     * @param model the model to predict with, or null when the sources are predictions
     * @param limits the image limits
     * @param dis whether to compute the DIS statistics (HCE, IoU / Dice, relaxFb) too
     */
    public EvalPartitionScorer(HadoopFiles files, ModelSpec model, DecodeLimits limits, boolean dis) {
        this.files = files;
        this.model = model;
        this.limits = limits;
        this.dis = dis;
    }

    /** Scores every task of the partition. */
    public EvalSummary score(Iterator<EvalTask> tasks) {
        EvalSummary summary = new EvalSummary();
        PairScorer scorer = new PairScorer(limits, dis);
        if (model == null) {
            while (tasks.hasNext()) {
                EvalTask task = tasks.next();
                try {
                    addScored(
                            summary,
                            task.dataset(),
                            task.name(),
                            scorer.score(
                                    read(task.sourceUri()),
                                    task.sourceUri(),
                                    read(task.groundTruthUri()),
                                    task.groundTruthUri()));
                } catch (ImageDecodeException | IOException e) {
                    summary.fail(e.getMessage());
                } catch (OutOfMemoryError e) {
                    summary.fail(task.sourceUri() + ": ran out of memory while scoring");
                }
            }
            return summary;
        }
        Batch batch = new Batch(scorer, summary);
        while (tasks.hasNext()) {
            EvalTask task = tasks.next();
            try {
                byte[] groundTruth = read(task.groundTruthUri());
                batch.add(new Loaded(
                        task.dataset(),
                        task.name(),
                        task.sourceUri(),
                        batch.decoder.decode(
                                task.sourceUri(), -1, max -> files.read(task.sourceUri(), max), batch::flush),
                        groundTruth));
            } catch (ImageDecodeException | IOException e) {
                summary.fail(e.getMessage());
            }
        }
        batch.flush();
        return summary;
    }

    /**
     * Scores rows of an ingested image table ({@code dataset}, {@code id}, {@code image}, {@code mask}
     * columns in that order) with the model; the row's split names the data set in the summary.
     */
    public EvalSummary scoreTableRows(Iterator<Row> rows) {
        EvalSummary summary = new EvalSummary();
        Batch batch = new Batch(new PairScorer(limits, dis), summary);
        while (rows.hasNext()) {
            Row row = rows.next();
            String id = row.getString(1);
            try {
                batch.add(new Loaded(
                        row.getString(0), id, id, batch.decoder.decode(id, (byte[]) row.get(2), batch::flush), (byte[])
                                row.get(3)));
            } catch (ImageDecodeException e) {
                summary.fail(e.getMessage());
            }
        }
        batch.flush();
        return summary;
    }

    private static void addScored(EvalSummary summary, String dataset, String name, PairScorer.Scored scored) {
        summary.add(dataset, name, scored.stats(), scored.dis());
    }

    private byte[] read(String uri) throws IOException {
        return files.read(uri, limits.maxFileBytes());
    }

    /** A decoded photo waiting for its prediction, with its encoded ground truth. */
    private record Loaded(String dataset, String name, String sourceName, DecodedImage image, byte[] groundTruth) {}

    /** Photos decoded and waiting for one forward pass. */
    private final class Batch {
        private final BudgetedDecoder decoder = new BudgetedDecoder(limits, PHOTO_WORK_BYTES_PER_PIXEL);
        private final List<Loaded> waiting = new ArrayList<>(model.batchSize());
        private final PairScorer scorer;
        private final EvalSummary summary;

        Batch(PairScorer scorer, EvalSummary summary) {
            this.scorer = scorer;
            this.summary = summary;
        }

        void add(Loaded loaded) {
            waiting.add(loaded);
            if (waiting.size() == model.batchSize()) {
                flush();
            }
        }

        /** Predicts the waiting photos, gives their memory back, then scores each mask. */
        void flush() {
            if (waiting.isEmpty()) {
                return;
            }
            List<Loaded> items = List.copyOf(waiting);
            waiting.clear();
            List<MaskImage> masks;
            try {
                masks = ExecutorModels.predictor(model, files)
                        .predict(items.stream().map(l -> l.image().image()).toList());
            } finally {
                items.forEach(l -> l.image().close());
            }
            for (int i = 0; i < items.size(); i++) {
                Loaded item = items.get(i);
                MaskImage mask = masks.get(i);
                try {
                    GreyImage prediction = new GreyImage(mask.width(), mask.height(), mask.values());
                    addScored(
                            summary,
                            item.dataset(),
                            item.name(),
                            scorer.score(prediction, item.sourceName(), item.groundTruth(), item.name()));
                } catch (ImageDecodeException e) {
                    summary.fail(e.getMessage());
                } catch (OutOfMemoryError e) {
                    summary.fail(item.name() + ": ran out of memory while scoring");
                }
            }
        }
    }
}
