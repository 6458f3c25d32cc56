package clearbg.jobs.options;

import clearbg.model.matting.AlphaMatting;
import picocli.CommandLine.Option;

/**
 * The alpha-matting options of {@code clearbg remove} and RemoveBackgroundJob, declared once
 * ({@code @Mixin}), with rembg's names and defaults ({@code -a}, {@code -af}, {@code -ab}, {@code -ae}).
 * Yields an {@link AlphaMatting}, or null when {@code --alpha-matting} is not given.
 */
public final class AlphaMattingOptions {

    @Option(
            names = "--alpha-matting",
            description = "refine the cut-out's edges by closed-form alpha matting as rembg -a does (slow: seconds"
                    + " per megapixel; not applied to --mask-only)")
    boolean enabled;

    @Option(
            names = "--alpha-matting-foreground-threshold",
            defaultValue = "240",
            description = "mask values above it are sure foreground (default ${DEFAULT-VALUE})")
    int foregroundThreshold;

    @Option(
            names = "--alpha-matting-background-threshold",
            defaultValue = "10",
            description = "mask values below it are sure background (default ${DEFAULT-VALUE})")
    int backgroundThreshold;

    @Option(
            names = "--alpha-matting-erode-size",
            defaultValue = "10",
            description = "side of the square that erodes both sure regions (default ${DEFAULT-VALUE})")
    int erodeSize;

    /**
     * The settings, or null without {@code --alpha-matting}.
     *
     * @throws IllegalArgumentException for thresholds outside 0..255 or a negative size
     */
    public AlphaMatting settings() {
        return enabled ? new AlphaMatting(foregroundThreshold, backgroundThreshold, erodeSize) : null;
    }
}
