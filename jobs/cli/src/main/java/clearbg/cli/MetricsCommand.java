package clearbg.cli;

import clearbg.jobs.files.StemPairing;
import clearbg.jobs.options.ImageLimitsOptions;
import clearbg.jobs.options.MetricOptions;
import clearbg.jobs.report.DatasetResult;
import clearbg.jobs.report.HceReport;
import clearbg.jobs.report.MetricsReport;
import clearbg.jobs.report.PerImageOrder;
import clearbg.jobs.report.PerImageRow;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.io.AtomicFile;
import clearbg.model.metric.DisAccumulator;
import clearbg.model.metric.MetricSet;
import clearbg.model.metric.PairScorer;
import clearbg.model.metric.SodAccumulator;
import clearbg.model.metric.SodResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clearbg metrics}: scores a folder of predicted maps against a folder of ground truth with the
 * PySODMetrics definitions (see {@link SodResult#convention()}), and the DIS metrics (HCE, IoU / Dice,
 * relaxFb; {@link MetricsReport#DIS_CONVENTION}) unless {@code --no-dis-metrics}, on all cores; {@code --only}
 * chooses the salient-object metrics ({@code sod}) or HCE alone ({@code hce}, reported by {@link HceReport}).
 * Unpaired and unreadable files are reported by name and counted; they do not stop the run. Several methods
 * ({@code --pred} repeated) are scored against one ground truth in one run, as the field's evaluation scripts do: one
 * row, JSON entry and curve set per method, their pairs scored on one pool so the JVM's start and warm-up are paid
 * once.
 */
@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        description = {
            "Score predicted saliency maps against ground truth.",
            "Max/mean/adaptive F, weighted F, S-measure, MAE, max/mean/adaptive E (PySODMetrics 1.6"
                    + " conventions; max-F is the maximum over thresholds of the mean over images of each"
                    + " image's F curve); HCE, max/mean/adaptive/binary IoU and Dice, relaxFb (PySODMetrics"
                    + " 1.6.2, the BASNet authors' relaxed boundary F). Files pair by relative path without"
                    + " extension; a prediction of another size is resized to its ground truth (cv2 INTER_LINEAR).",
            "--only sod computes the salient-object metrics alone (as --no-dis-metrics); --only hce computes HCE"
                    + " alone: the table, --json and --per-image (dataset,name,hce, highest HCE first) hold HCE only."
        })
final class MetricsCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--pred",
            required = true,
            paramLabel = "[NAME=]DIR",
            description = "predicted maps (8-bit grey); repeat it to score several methods against the same ground"
                    + " truth in one run (NAME: the method's row; default: the folder's name)")
    private List<String> predictionFolders;

    @Option(names = "--gt", required = true, paramLabel = "DIR", description = "ground-truth masks")
    private Path groundTruth;

    @Option(names = "--name", description = "data set name in the outputs (default: the ground-truth folder's name)")
    private String name;

    @Option(names = "--json", paramLabel = "FILE", description = "write the metrics as JSON")
    private Path json;

    @Option(names = "--curves", paramLabel = "FILE.csv", description = "write the precision, recall, F and E curves")
    private Path curves;

    @Option(names = "--per-image", paramLabel = "FILE.csv", description = "write per-image metrics, worst first")
    private Path perImage;

    @CommandLine.Mixin
    private MetricOptions metricOptions;

    @Option(
            names = "--only",
            paramLabel = "sod|hce",
            description = "compute only these metrics: sod (MAE, S, weighted F, F and E curves) or hce (HCE alone)")
    private String only;

    @Option(names = "--threads", description = "worker threads (default: all cores)")
    private int threads = Runtime.getRuntime().availableProcessors();

    @CommandLine.Mixin
    private ImageLimitsOptions imageLimits;

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<ScoredMethod> methods = ScoredMethod.parseAll(predictionFolders);
        for (Path folder : Stream.concat(methods.stream().map(ScoredMethod::folder), Stream.of(groundTruth))
                .toList()) {
            if (!Files.isDirectory(folder)) {
                throw new UsageException(folder + ": no such folder");
            }
        }
        if (threads < 1) {
            throw new UsageException("--threads must be at least 1, got " + threads);
        }
        MetricSet metrics = metricSet();
        PerImageOrder order = metrics == MetricSet.HCE ? PerImageOrder.HCE : metricOptions.perImageOrder();
        if (order == PerImageOrder.HCE && metrics == MetricSet.SOD) {
            throw new UsageException("--sort-per-image hce needs the DIS metrics (drop --only sod)");
        }
        if (metrics == MetricSet.HCE && methods.size() > 1) {
            throw new UsageException("--only hce scores one method: give one --pred");
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        DecodeLimits limits = imageLimits.limits();
        String dataset = datasetName();
        boolean several = methods.size() > 1;
        Map<ScoredMethod, StemPairing> pairings = new LinkedHashMap<>();
        for (ScoredMethod method : methods) {
            String prefix = several ? "clearbg: " + method.name() + ": " : "clearbg: ";
            StemPairing pairing =
                    new StemPairing(LocalFiles.relativeFiles(method.folder()), LocalFiles.relativeFiles(groundTruth));
            pairing.onlyFirst().forEach(p -> err.println(prefix + "no ground truth for prediction " + p));
            pairing.onlySecond().forEach(g -> err.println(prefix + "no prediction for ground truth " + g));
            pairing.conflicts().forEach(c -> err.println(prefix + "left out " + c));
            pairings.put(method, pairing);
        }
        Map<ScoredMethod, Map<String, PairScorer.Scored>> scored =
                score(pairings, new PairScorer(limits, metrics), limits.maxFileBytes(), err);
        Map<String, DatasetResult> results = new LinkedHashMap<>();
        List<PerImageRow> rows = new ArrayList<>();
        boolean nothing = false;
        for (ScoredMethod method : methods) {
            StemPairing pairing = pairings.get(method);
            Map<String, PairScorer.Scored> byImage = scored.get(method);
            out.printf(
                    "%spairs %d, evaluated %d, unreadable %d, predictions without ground truth %d, ground truth"
                            + " without prediction %d, left out (same stem) %d, ignored non-image files %d%n",
                    several ? method.name() + ": " : "",
                    pairing.pairs().size(),
                    byImage.size(),
                    pairing.pairs().size() - byImage.size(),
                    pairing.onlyFirst().size(),
                    pairing.onlySecond().size(),
                    pairing.conflicts().size(),
                    pairing.ignored());
            if (byImage.isEmpty()) {
                err.println("clearbg: " + (several ? method.name() + ": " : "") + "nothing to evaluate");
                nothing = true;
                continue;
            }
            if (metrics == MetricSet.HCE) {
                writeHce(new HceReport(dataset, hceByImage(byImage)), out);
                err.flush();
                return 0;
            }
            String row = several ? method.name() : dataset;
            results.put(row, aggregate(row, byImage, metrics == MetricSet.ALL, rows));
        }
        if (!results.isEmpty()) {
            out.print(MetricsReport.table(results));
            out.flush();
            writeIfAsked(json, MetricsReport.json(results));
            writeIfAsked(curves, MetricsReport.curvesCsv(results));
            writeIfAsked(perImage, MetricsReport.perImageCsv(rows, order));
        }
        out.flush();
        err.flush();
        return nothing ? FailureHandler.FAILURE : 0;
    }

    /** One method's totals over its images; its per-image rows are added to {@code rows}. */
    private static DatasetResult aggregate(
            String row, Map<String, PairScorer.Scored> byImage, boolean disMetrics, List<PerImageRow> rows) {
        SodAccumulator total = new SodAccumulator();
        DisAccumulator disTotal = new DisAccumulator();
        byImage.forEach((image, result) -> {
            total.add(result.stats());
            if (result.dis() != null) {
                disTotal.add(result.dis());
            }
            rows.add(PerImageRow.of(row, image, result.stats(), result.dis()));
        });
        return new DatasetResult(total.result(), disMetrics ? disTotal.result() : null);
    }

    /** The metrics to compute: {@code --only}, else all unless {@code --no-dis-metrics}. */
    private MetricSet metricSet() {
        if (only == null) {
            return metricOptions.dis() ? MetricSet.ALL : MetricSet.SOD;
        }
        MetricSet metrics = switch (only) {
            case "sod" -> MetricSet.SOD;
            case "hce" -> MetricSet.HCE;
            default -> throw new UsageException("--only: unknown metrics '" + only + "'; use sod or hce");
        };
        if (metrics == MetricSet.HCE && !metricOptions.dis()) {
            throw new UsageException("--only hce is a DIS metric: drop --no-dis-metrics");
        }
        if (metrics == MetricSet.HCE && curves != null) {
            throw new UsageException("--only hce has no curves: drop --curves");
        }
        return metrics;
    }

    private static Map<String, Integer> hceByImage(Map<String, PairScorer.Scored> scored) {
        Map<String, Integer> hce = new TreeMap<>();
        scored.forEach((image, result) -> hce.put(image, result.hce()));
        return hce;
    }

    private void writeHce(HceReport report, PrintWriter out) throws IOException {
        out.print(report.table());
        out.flush();
        writeIfAsked(json, report.json());
        writeIfAsked(perImage, report.perImageCsv());
    }

    /**
     * Scores every pair of every method on one pool; returns each method's statistics by pair name, in name order
     * (unreadable pairs reported and left out).
     */
    private Map<ScoredMethod, Map<String, PairScorer.Scored>> score(
            Map<ScoredMethod, StemPairing> pairings, PairScorer scorer, long maxFileBytes, PrintWriter err)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Map<ScoredMethod, Map<String, Future<PairScorer.Scored>>> futures = new LinkedHashMap<>();
            pairings.forEach((method, pairing) -> {
                Map<String, Future<PairScorer.Scored>> byImage = new TreeMap<>();
                for (StemPairing.Pair pair : pairing.pairs()) {
                    Path prediction = method.folder().resolve(pair.first());
                    Path truth = groundTruth.resolve(pair.second());
                    byImage.put(pair.name(), pool.submit(() -> {
                        PairScorer.Scored result = scorer.score(
                                ImageDecoder.readFile(prediction, maxFileBytes),
                                prediction.toString(),
                                ImageDecoder.readFile(truth, maxFileBytes),
                                truth.toString());
                        result.notes().forEach(note -> report(err, "clearbg: note: " + note));
                        return result;
                    }));
                }
                futures.put(method, byImage);
            });
            Map<ScoredMethod, Map<String, PairScorer.Scored>> scored = new LinkedHashMap<>();
            for (Map.Entry<ScoredMethod, Map<String, Future<PairScorer.Scored>>> method : futures.entrySet()) {
                Map<String, PairScorer.Scored> byImage = new TreeMap<>();
                for (Map.Entry<String, Future<PairScorer.Scored>> future :
                        method.getValue().entrySet()) {
                    try {
                        byImage.put(future.getKey(), future.getValue().get());
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof ImageDecodeException || cause instanceof IOException) {
                            report(err, "clearbg: unreadable " + cause.getMessage());
                        } else {
                            throw new IllegalStateException(cause.getMessage(), cause);
                        }
                    }
                }
                scored.put(method.getKey(), byImage);
            }
            return scored;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void report(PrintWriter err, String line) {
        synchronized (err) {
            err.println(line);
        }
    }

    private String datasetName() {
        if (name != null) {
            return name;
        }
        Path folder = groundTruth.toAbsolutePath().normalize().getFileName();
        return folder == null ? "dataset" : folder.toString();
    }

    private static void writeIfAsked(Path file, String content) throws IOException {
        if (file != null) {
            AtomicFile.write(file, content.getBytes(StandardCharsets.UTF_8));
        }
    }
}
