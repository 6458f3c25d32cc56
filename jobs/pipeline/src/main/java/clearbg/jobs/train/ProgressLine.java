package clearbg.jobs.train;

import java.util.Locale;

/**
 * The progress line replica 0 prints every {@code logInterval} steps: epoch, step, loss, images per second
 * and the estimated time left, {@code (total - step) x} the mean step time since this stage started.
 */
final class ProgressLine {

    private final TrainSettings settings;
    private final long totalSteps;
    private final long firstStep;
    private final long started = System.nanoTime();

    ProgressLine(TrainSettings settings, int stepsPerEpoch, long firstStep) {
        this.settings = settings;
        long all = (long) stepsPerEpoch * settings.epochs();
        this.totalSteps = settings.maxSteps() > 0 ? Math.min(all, settings.maxSteps()) : all;
        this.firstStep = firstStep;
    }

    void maybePrint(StepLog log) {
        if (log.step() % settings.logInterval() != 0 && log.step() != totalSteps) {
            return;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        double perStep = seconds / Math.max(1, log.step() - firstStep);
        System.out.printf(
                Locale.ROOT,
                "TrainJob: epoch %d step %d/%d loss %.4f (%s %.4f) %.1f images/s ETA %s%n",
                log.epoch() + 1,
                log.step(),
                totalSteps,
                log.loss(),
                Double.isNaN(log.fusedLoss()) ? "side 1" : "fused", // IS-Net has no fused output
                Double.isNaN(log.fusedLoss()) ? log.outputLosses()[1] : log.fusedLoss(),
                log.imagesPerSecond(),
                duration(Math.round(perStep * (totalSteps - log.step()))));
        System.out.flush();
    }

    private static String duration(long seconds) {
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
