package clearbg.cli;

import clearbg.jobs.ArchOption;
import clearbg.jobs.RgbaOption;
import ai.djl.engine.Engine;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.image.PngEncoder;
import clearbg.model.io.AtomicFile;
import clearbg.model.image.Rgba;
import clearbg.model.nn.Arch;
import clearbg.model.nn.ModelLoader;
import clearbg.model.nn.U2NetModel;
import clearbg.model.predict.MaskImage;
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
 */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = {"Remove the background of images with U²-Net.",
            "Writes OUT/<relative path>/<stem>.png: an RGBA cut-out (the mask as alpha), a composite on",
            "--bgcolor, or the mask itself with --mask-only. Existing outputs are kept unless --overwrite."})
final class RemoveCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "W", description = ".pth or .safetensors weights")
    private Path weights;

    @Option(names = "--arch", converter = ArchOption.class,
            description = "u2net or u2netp (default: detected from the weights)")
    private Arch arch;

    @Parameters(arity = "1..*", paramLabel = "INPUT", description = "image files and folders (folders are walked recursively)")
    private List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
    private Path out;

    @Option(names = "--mask-only", description = "write the 8-bit mask instead of the cut-out")
    private boolean maskOnly;

    @Option(names = "--bgcolor", converter = RgbaOption.class, paramLabel = "R,G,B[,A]",
            description = "composite the object on this colour instead of a transparent background")
    private Rgba background;

    @Option(names = "--overwrite", description = "replace outputs that exist")
    private boolean overwrite;

    @Option(names = "--batch", defaultValue = "4", description = "images per forward pass (default ${DEFAULT-VALUE})")
    private int batch;

    @Option(names = "--size", defaultValue = "320",
            description = "network input side, the RescaleT size the model was trained with (default ${DEFAULT-VALUE})")
    private int size;

    @Option(names = "--max-pixels", defaultValue = "100000000",
            description = "refuse images larger than this many pixels (default ${DEFAULT-VALUE})")
    private long maxPixels;

    @Option(names = "--timings", paramLabel = "FILE",
            description = "write the time spent per phase (load, list, decode, resize, forward, encode, write) as JSON")
    private Path timingsFile;

    private final PhaseTimer timer = new PhaseTimer();

    @Override
    public Integer call() throws IOException {
        long wallStart = System.nanoTime();
        if (batch < 1) {
            throw new UsageException("--batch must be at least 1, got " + batch);
        }
        if (size < 32) {
            throw new UsageException("--size must be at least 32, got " + size);
        }
        if (maxPixels < 1) {
            throw new UsageException("--max-pixels must be at least 1, got " + maxPixels);
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
        timer.stop(Phase.LIST, listStart);
        collector.problems().forEach(problem -> err.println("clearbg: skipped " + problem));
        List<RemoveTask> tasks = collector.tasks();
        RemoveTally tally = new RemoveTally(collector.problems().size(), collector.unsupported());
        if (tasks.isEmpty()) {
            err.println("clearbg: no input images found");
            err.flush();
            return FailureHandler.FAILURE;
        }
        ImageDecoder decoder = new ImageDecoder(new DecodeLimits(maxPixels));
        try (U2NetModel model = loadModel();
                ProgressBar progress = new ProgressBarBuilder()
                        .setTaskName("remove")
                        .setInitialMax(tasks.size())
                        .setStyle(ProgressBarStyle.ASCII)
                        .continuousUpdate()
                        .build()) {
            Predictor predictor = new Predictor(model, new PredictorSettings(size, batch));
            for (int start = 0; start < tasks.size(); start += batch) {
                processBatch(tasks.subList(start, Math.min(tasks.size(), start + batch)), decoder, predictor, tally, err);
                progress.stepTo(Math.min(tasks.size(), start + batch));
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

    private U2NetModel loadModel() throws IOException {
        long loadStart = System.nanoTime();
        U2NetModel model = ModelLoader.load(weights, arch, Engine.getInstance().defaultDevice());
        timer.stop(Phase.LOAD, loadStart);
        return model;
    }

    private void processBatch(List<RemoveTask> batchTasks, ImageDecoder decoder, Predictor predictor, RemoveTally tally, PrintWriter err) {
        List<RemoveTask> ready = new ArrayList<>();
        List<FloatImage> images = new ArrayList<>();
        for (RemoveTask task : batchTasks) {
            if (!overwrite && Files.exists(task.target())) {
                tally.countSkipped();
                continue;
            }
            try {
                long start = System.nanoTime();
                images.add(decoder.decode(task.source()));
                timer.stop(Phase.DECODE, start);
                ready.add(task);
            } catch (ImageDecodeException e) {
                tally.countFailed();
                err.println("clearbg: skipped " + e.getMessage());
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        List<MaskImage> masks = predictor.predict(images, timer);
        for (int i = 0; i < ready.size(); i++) {
            try {
                long start = System.nanoTime();
                byte[] png = encode(images.get(i), masks.get(i));
                timer.stop(Phase.ENCODE, start);
                start = System.nanoTime();
                AtomicFile.write(ready.get(i).target(), png);
                timer.stop(Phase.WRITE, start);
                tally.countDone();
            } catch (IOException e) {
                tally.countFailed();
                err.println("clearbg: cannot write " + ready.get(i).target() + ": " + e.getMessage());
            }
        }
    }

    private byte[] encode(FloatImage image, MaskImage mask) {
        if (maskOnly) {
            return PngEncoder.encodeGrey(mask.values(), mask.width(), mask.height());
        }
        if (background != null) {
            return PngEncoder.encodeOver(image, mask.values(), background);
        }
        return PngEncoder.encodeRgba(image, mask.values());
    }
}
