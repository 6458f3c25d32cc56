package clearbg.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import clearbg.jobs.ArchOption;
import clearbg.jobs.files.DatasetLayout;
import clearbg.jobs.files.StemPairing;
import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.image.MaskDecoder;
import clearbg.model.io.SafetensorsWriter;
import clearbg.model.nn.Arch;
import clearbg.model.nn.U2NetModel;
import clearbg.model.optim.AdamSettings;
import clearbg.model.train.BatchNormMode;
import clearbg.model.train.GradientHook;
import clearbg.model.train.StepResult;
import clearbg.model.train.U2NetTrainer;
import clearbg.model.transform.FlipMode;
import clearbg.model.transform.RescaleT;
import clearbg.model.transform.Sample;
import clearbg.model.transform.TensorSample;
import clearbg.model.transform.TrainingTransform;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clearbg train}: trains U²-Net on one machine from a DUTS- or DIS5K-layout folder, with the
 * original recipe (multi-output BCE, Adam) and transforms (RescaleT, RandomCrop, flip, ToTensorLab). Each
 * epoch visits the samples in an order drawn from (seed, epoch); each sample's augmentation is seeded by
 * (seed, epoch, index), so a run is reproducible.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train U²-Net on one machine from a DUTS/DIS5K-layout folder; writes safetensors weights.")
final class TrainCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "data set root (DUTS or DIS5K layout)")
    private Path data;

    @Option(names = "--layout", defaultValue = "duts", description = "duts or dis5k (default ${DEFAULT-VALUE})")
    private String layout;

    @Option(names = "--arch", defaultValue = "u2netp", converter = ArchOption.class, description = "u2net or u2netp (default ${DEFAULT-VALUE})")
    private Arch arch;

    @Option(names = "--steps", defaultValue = "1000", description = "optimiser steps (default ${DEFAULT-VALUE})")
    private int steps;

    @Option(names = "--batch", defaultValue = "12", description = "images per step (default ${DEFAULT-VALUE}, the paper's)")
    private int batch;

    @Option(names = "--rescale", defaultValue = "320", description = "RescaleT size (default ${DEFAULT-VALUE})")
    private int rescale;

    @Option(names = "--crop", defaultValue = "288", description = "RandomCrop size (default ${DEFAULT-VALUE})")
    private int crop;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE})")
    private double learningRate;

    @Option(names = "--flip", defaultValue = "horizontal", description = "none, horizontal, vertical or both (default ${DEFAULT-VALUE})")
    private String flip;

    @Option(names = "--seed", defaultValue = "0", description = "initialisation and data-order seed")
    private long seed;

    @Option(names = "--log-every", defaultValue = "20", description = "steps between progress lines")
    private int logEvery;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "output .safetensors")
    private Path out;

    @Option(names = "--overwrite", description = "replace OUT if it exists")
    private boolean overwrite;

    @Override
    public Integer call() throws Exception {
        if (steps < 1 || batch < 1 || crop < 32 || rescale < crop) {
            throw new UsageException("need --steps >= 1, --batch >= 1, --crop >= 32 and --rescale >= --crop");
        }
        if (Files.exists(out) && !overwrite) {
            throw new UsageException(out + " exists; pass --overwrite to replace it");
        }
        FlipMode flipMode = FlipMode.valueOf(flip.trim().toUpperCase(Locale.ROOT));
        PrintWriter out = spec.commandLine().getOut();
        List<Sample> samples = loadTrainingSplit(DatasetLayout.parse(layout), spec.commandLine().getErr());
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(data + ": no readable image/mask pairs in the training split");
        }
        out.printf("training %s on %d samples: %d steps of batch %d, crop %d%n", arch.cliName(), samples.size(), steps, batch, crop);
        out.flush();
        Device device = Engine.getInstance().defaultDevice();
        AdamSettings adam = new AdamSettings(learningRate, 0.9, 0.999, 1e-8, 0);
        try (U2NetModel model = U2NetModel.create(arch, device, seed);
                U2NetTrainer trainer = new U2NetTrainer(model, adam, BatchNormMode.BATCH_STATISTICS, GradientHook.NONE)) {
            EpochOrder order = new EpochOrder(samples.size(), seed);
            long started = System.nanoTime();
            for (int step = 1; step <= steps; step++) {
                float[] images = new float[batch * 3 * crop * crop];
                float[] labels = new float[batch * crop * crop];
                for (int b = 0; b < batch; b++) {
                    EpochOrder.Draw draw = order.next();
                    TensorSample t = new TrainingTransform(rescale, crop, flipMode, draw.sampleSeed()).apply(samples.get(draw.index()));
                    System.arraycopy(t.image(), 0, images, b * t.image().length, t.image().length);
                    System.arraycopy(t.label(), 0, labels, b * t.label().length, t.label().length);
                }
                StepResult result;
                try (NDManager scratch = model.manager().newSubManager()) {
                    result = trainer.step(scratch.create(images, new Shape(batch, 3, crop, crop)),
                            scratch.create(labels, new Shape(batch, 1, crop, crop)), learningRate);
                }
                if (step % logEvery == 0 || step == steps) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    out.printf("step %d/%d epoch %d loss %.4f (fused %.4f) %.1f images/s, ETA %.0f s%n", step, steps,
                            order.epoch(), result.total(), result.perOutput()[0], step * batch / seconds,
                            seconds / step * (steps - step));
                    out.flush();
                }
            }
            SafetensorsWriter.write(model.stateDict(), this.out, Map.of("arch", arch.cliName(), "steps", Integer.toString(steps),
                    "seed", Long.toString(seed), "data", data.getFileName().toString()));
        }
        out.println("wrote " + this.out);
        return 0;
    }

    /** Decodes the training split once, pre-resized to the RescaleT size (the per-step RescaleT is then the identity). */
    private List<Sample> loadTrainingSplit(DatasetLayout datasetLayout, PrintWriter err) {
        String split = datasetLayout.trainingSplit();
        Path images = data.resolve(datasetLayout.imageFolder(split));
        Path masks = data.resolve(datasetLayout.maskFolder(split));
        if (!Files.isDirectory(images) || !Files.isDirectory(masks)) {
            throw new UsageException(data + " is not a " + datasetLayout.name() + " folder: " + images + " or " + masks + " is missing");
        }
        StemPairing pairing = new StemPairing(LocalFiles.relativeFiles(images), LocalFiles.relativeFiles(masks));
        pairing.onlyFirst().forEach(f -> err.println("clearbg: no mask for " + f));
        pairing.onlySecond().forEach(f -> err.println("clearbg: no image for mask " + f));
        ImageDecoder decoder = new ImageDecoder();
        MaskDecoder maskDecoder = new MaskDecoder();
        RescaleT rescaleT = new RescaleT(rescale);
        List<Sample> samples = new ArrayList<>();
        for (StemPairing.Pair pair : pairing.pairs()) {
            try {
                FloatImage image = decoder.decode(images.resolve(pair.first()));
                FloatImage mask = maskDecoder.decode(masks.resolve(pair.second()));
                samples.add(rescaleT.apply(new Sample(image, mask)));
            } catch (ImageDecodeException | IllegalArgumentException e) {
                err.println("clearbg: skipped " + pair.name() + ": " + e.getMessage());
            }
        }
        err.flush();
        return samples;
    }

    /** Visits samples epoch by epoch in an order drawn from (seed, epoch). */
    static final class EpochOrder {
        record Draw(int index, long sampleSeed) {}

        private final int size;
        private final long seed;
        private int[] order;
        private int epoch;
        private int position;

        EpochOrder(int size, long seed) {
            this.size = size;
            this.seed = seed;
            shuffle();
        }

        private void shuffle() {
            order = new int[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch);
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            position = 0;
        }

        Draw next() {
            if (position == size) {
                epoch++;
                shuffle();
            }
            int index = order[position++];
            return new Draw(index, sampleSeed(seed, epoch, index));
        }

        int epoch() {
            return epoch;
        }

        /** The augmentation seed of sample {@code index} in {@code epoch}: independent of batch layout. */
        static long sampleSeed(long seed, int epoch, int index) {
            return new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (epoch + 1) + 0xBF58476D1CE4E5B9L * index).nextLong();
        }
    }
}
