package clearbg.cli;

import clearbg.jobs.files.LocalFileStore;
import clearbg.jobs.options.AlphaMattingOptions;
import clearbg.jobs.options.ImageLimitsOptions;
import clearbg.jobs.options.NetworkOptions;
import clearbg.jobs.options.NetworkSettings;
import clearbg.jobs.options.PostProcessOption;
import clearbg.jobs.options.RgbaOption;
import clearbg.jobs.remove.RemovalPipeline;
import clearbg.jobs.remove.RemoveOutcome;
import clearbg.jobs.remove.RemoveRequest;
import clearbg.jobs.remove.RemoveSettings;
import clearbg.jobs.report.Printable;
import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.Rgba;
import clearbg.model.predict.FusedMapNetwork;
import clearbg.model.predict.Phase;
import clearbg.model.predict.PhaseTimer;
import clearbg.model.predict.Predictor;
import clearbg.model.predict.PredictorSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code clearbg remove}: cut-outs (RGBA PNG, the mask as alpha), composites on a colour, or masks, for
 * files and folders. One bad image is reported and skipped; the exit code is 1 only when nothing could
 * be processed. Inputs are only read.
 *
 * <p>{@code --workers} threads each take a batch at a time through decode, network, encode and write, so
 * the image work of one batch overlaps the forward pass of another. With ONNX Runtime the forward passes
 * of the workers run in parallel on {@code cores / workers} threads each; libtorch gets one copy of the
 * network per worker ({@link LocalNetworks}).
 */
@Command(
        name = "remove",
        mixinStandardHelpOptions = true,
        description = {
            "Remove the background of images with U²-Net.",
            "Writes OUT/<relative path>/<stem>.png: an RGBA cut-out (the mask as alpha), a composite on "
                    + "--bgcolor, or the mask itself with --mask-only. Outputs that exist and are not older than their "
                    + "input are kept unless --overwrite."
        })
final class RemoveCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private NetworkOptions networkOptions;

    @Option(names = "--weights", required = true, paramLabel = "W", description = ".pth or .safetensors weights")
    private Path weights;

    @Parameters(
            arity = "1..*",
            paramLabel = "INPUT",
            description = "image files and folders (folders are walked recursively)")
    private List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    private Path out;

    @Option(names = "--mask-only", description = "write the 8-bit mask instead of the cut-out")
    private boolean maskOnly;

    @Option(
            names = "--bgcolor",
            converter = RgbaOption.class,
            paramLabel = "R,G,B[,A]",
            description = "composite the object on this colour instead of a transparent background")
    private Rgba background;

    @Option(names = "--overwrite", description = "redo images whose outputs exist")
    private boolean overwrite;

    @Option(names = "--post-process", description = PostProcessOption.DESCRIPTION)
    private boolean postProcess;

    @CommandLine.Mixin
    private AlphaMattingOptions alphaMatting;

    @Option(names = "--batch", defaultValue = "1", description = "images per forward pass (default ${DEFAULT-VALUE})")
    private int batch;

    @Option(
            names = "--workers",
            defaultValue = "0",
            description = "batches in flight at once (default 0: one per core)")
    private int workers;

    @CommandLine.Mixin
    private ImageLimitsOptions imageLimits;

    @Option(
            names = "--timings",
            paramLabel = "FILE",
            description = "write the time spent per phase (load, list, decode, resize, forward, encode, write) as JSON")
    private Path timingsFile;

    private static final LocalFileStore STORE = new LocalFileStore();

    private final PhaseTimer timer = new PhaseTimer();

    @Override
    public Integer call() throws IOException {
        long wallStart = System.nanoTime();
        NetworkSettings networkSettings = networkOptions.settings();
        if (batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        if (workers < 0) {
            throw new UsageException("--workers must be at least 1 (or 0 for one per core), got " + workers);
        }
        if (maskOnly && background != null) {
            throw new UsageException("--mask-only and --bgcolor exclude each other");
        }
        if (!Files.isRegularFile(weights)) {
            throw new UsageException("--weights " + weights + ": no such file");
        }
        PrintWriter err = spec.commandLine().getErr();
        long listStart = System.nanoTime();
        InputCollector collector = new InputCollector(out, ".png");
        inputs.forEach(collector::add);
        collector.finish();
        timer.stop(Phase.LIST, listStart);
        collector.problems().forEach(problem -> err.println("clearbg: skipped " + Printable.of(problem)));
        List<RemoveTask> tasks = collector.tasks();
        RemoveTally tally = new RemoveTally(collector.problems().size(), collector.unsupported());
        if (tasks.isEmpty()) {
            err.println("clearbg: no input images found");
            err.flush();
            return FailureHandler.FAILURE;
        }
        RemoveSettings settings;
        try {
            settings = new RemoveSettings(
                    overwrite,
                    maskOnly ? null : background,
                    postProcess,
                    maskOnly ? null : alphaMatting.settings(),
                    batch,
                    System.currentTimeMillis());
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        BudgetedDecoder decoder = new BudgetedDecoder(imageLimits.limits(), settings.workBytesPerPixel());
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = workers > 0 ? workers : cores;
        try (FusedMapNetwork network = loadNetwork(networkSettings, threads, Math.max(1, cores / threads));
                ProgressBar progress = new ProgressBarBuilder()
                        .setTaskName("remove")
                        .setInitialMax(tasks.size())
                        .setStyle(ProgressBarStyle.ASCII)
                        .continuousUpdate()
                        .build()) {
            Predictor predictor =
                    new Predictor(network, new PredictorSettings(networkSettings.sizeFor(network.arch()), batch));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> pending = new ArrayList<>();
                for (int start = 0; start < tasks.size(); start += batch) {
                    List<RemoveTask> batchTasks = tasks.subList(start, Math.min(tasks.size(), start + batch));
                    pending.add(pool.submit(() -> {
                        processBatch(batchTasks, decoder, predictor, settings, tally, err);
                        synchronized (progress) {
                            progress.stepBy(batchTasks.size());
                        }
                    }));
                }
                awaitAll(pending);
            } finally {
                stopAndWait(pool);
            }
        }
        if (timingsFile != null) {
            TimingsReport.write(timingsFile, timer.snapshot(), tally.done(), System.nanoTime() - wallStart);
        }
        spec.commandLine().getOut().println(tally.summary(out));
        spec.commandLine().getOut().flush();
        err.flush();
        return tally.done() == 0 && tally.failed() > 0 ? FailureHandler.FAILURE : 0;
    }

    private FusedMapNetwork loadNetwork(NetworkSettings networkSettings, int workers, int threadsPerCall)
            throws IOException {
        long loadStart = System.nanoTime();
        FusedMapNetwork network = LocalNetworks.open(
                weights,
                networkSettings,
                workers,
                threadsPerCall,
                spec.commandLine().getErr());
        timer.stop(Phase.LOAD, loadStart);
        return network;
    }

    /**
     * Drops the batches not started and waits for the running ones, so that the network is closed only
     * when no worker uses it any more.
     */
    private static void stopAndWait(ExecutorService pool) {
        pool.shutdownNow();
        try {
            pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for every batch; a batch that failed outside its per-image handling fails the command. */
    private static void awaitAll(List<Future<?>> pending) {
        for (Future<?> batchDone : pending) {
            try {
                batchDone.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while removing backgrounds", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private void processBatch(
            List<RemoveTask> batchTasks,
            BudgetedDecoder decoder,
            Predictor predictor,
            RemoveSettings settings,
            RemoveTally tally,
            PrintWriter err) {
        RemovalPipeline pipeline = new RemovalPipeline(STORE, decoder, predictor::predict, settings, timer);
        List<RemoveOutcome> outcomes =
                pipeline.process(batchTasks.stream().map(this::request).iterator());
        for (RemoveOutcome outcome : outcomes) {
            switch (outcome.status()) {
                case RemoveOutcome.DONE -> tally.countDone();
                case RemoveOutcome.SKIPPED -> tally.countSkipped();
                default -> {
                    tally.countFailed();
                    err.println("clearbg: skipped " + Printable.of(outcome.reason()));
                }
            }
        }
    }

    private RemoveRequest request(RemoveTask task) {
        Path source = task.source();
        long size;
        long modified;
        try {
            size = Files.size(source);
            modified = Files.getLastModifiedTime(source).toMillis();
        } catch (IOException e) {
            size = -1;
            modified = Long.MAX_VALUE;
        }
        return new RemoveRequest(
                source.toString(),
                source.toString(),
                size,
                modified,
                List.of(new RemoveRequest.Output(task.target().toString(), maskOnly)));
    }
}
