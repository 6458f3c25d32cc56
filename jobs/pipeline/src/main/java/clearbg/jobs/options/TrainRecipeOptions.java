package clearbg.jobs.options;

import clearbg.jobs.train.TrainRecipe;
import clearbg.model.nn.Arch;
import clearbg.model.train.BatchNormMode;
import clearbg.model.transform.FlipMode;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The model, schedule and augmentation options of {@code clearbg train} and TrainJob, declared once
 * ({@code @Mixin}); the defaults are the paper's recipe with the original code's online vertical flip.
 */
public final class TrainRecipeOptions {

    @Option(
            names = "--arch",
            defaultValue = "u2net",
            converter = ArchOption.class,
            description = "u2net, u2netp, isnet, or isnet-gt-encoder (IS-Net's ground-truth encoder, trained on the"
                    + " masks alone) (default ${DEFAULT-VALUE})")
    Arch arch;

    @Option(
            names = "--epochs",
            defaultValue = "100000",
            description = "epochs (default ${DEFAULT-VALUE}, the original code's)")
    int epochs;

    @Option(
            names = "--max-steps",
            defaultValue = "600000",
            description = "stop after this many steps; 0: no limit (default ${DEFAULT-VALUE}, the paper's)")
    long maxSteps;

    @Option(
            names = "--batch",
            defaultValue = "12",
            description = "images per replica and step (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--rescale", defaultValue = "320", description = "RescaleT size (default ${DEFAULT-VALUE})")
    int rescale;

    @Option(names = "--crop", defaultValue = "288", description = "RandomCrop size (default ${DEFAULT-VALUE})")
    int crop;

    @Option(
            names = "--flip",
            defaultValue = "vertical",
            converter = FlipConverter.class,
            description = "online random flip: none, horizontal, vertical, both (default"
                    + " ${DEFAULT-VALUE}, the original code's)")
    FlipMode flip;

    @Option(
            names = "--batch-norm",
            defaultValue = "batch",
            converter = BatchNormConverter.class,
            description = "batch: per-replica batch statistics; sync: statistics of the global batch over all"
                    + " replicas (SyncBatchNorm, needs the native bridge); frozen: running statistics fixed (default"
                    + " ${DEFAULT-VALUE})")
    BatchNormMode batchNorm;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "initialisation, data order and augmentation seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(
            names = "--intermediate-supervision",
            paramLabel = "WEIGHTS",
            description = "--arch isnet only: a trained isnet-gt-encoder's weights, frozen; the MSE between"
                    + " IS-Net's decoder features and the encoder's features of the mask is added to the loss (the"
                    + " DIS recipe's second stage; default: none, the BCE alone)")
    String intermediateSupervision;

    /** The recipe, checked. */
    public TrainRecipe recipe() {
        return new TrainRecipe(
                arch, epochs, maxSteps, batch, rescale, crop, flip, batchNorm, seed, intermediateSupervision);
    }

    /** {@code none|horizontal|vertical|both}. */
    static final class FlipConverter implements CommandLine.ITypeConverter<FlipMode> {
        @Override
        public FlipMode convert(String value) {
            try {
                return FlipMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(
                        "--flip must be none, horizontal, vertical or both, got '" + value + "'");
            }
        }
    }

    /** {@code batch|sync|frozen}. */
    static final class BatchNormConverter implements CommandLine.ITypeConverter<BatchNormMode> {
        @Override
        public BatchNormMode convert(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "batch" -> BatchNormMode.BATCH_STATISTICS;
                case "sync" -> BatchNormMode.SYNC;
                case "frozen" -> BatchNormMode.FROZEN;
                default ->
                    throw new CommandLine.TypeConversionException(
                            "--batch-norm must be batch, sync or frozen, got '" + value + "'");
            };
        }
    }
}
