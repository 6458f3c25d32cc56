package clearbg.jobs.options;

/** The {@code --post-process} flag of {@code clearbg remove} and RemoveBackgroundJob, described once. */
public final class PostProcessOption {

    /** The flag's help text. */
    public static final String DESCRIPTION = "smooth each mask as rembg's post_process_mask (-ppm) does: opening with"
            + " a 3x3 cross, Gaussian blur sigma 2, threshold 127 (binary masks with smooth edges)";

    private PostProcessOption() {}
}
