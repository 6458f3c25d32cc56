package clearbg.model.matting;

/**
 * Asks a running alpha matting to stop: the recipe polls it between rows of the Laplacian, between
 * conjugate-gradient iterations and between foreground sweeps (each well under a second on a photo), and
 * ends with {@link MattingStoppedException} once it answers with a reason.
 */
@FunctionalInterface
public interface MattingStop {

    /** Never stops. */
    MattingStop NEVER = () -> null;

    /** Why the matting should stop now (for example "the client closed the connection"), or null to go on. */
    String reason();

    /**
     * Throws when a stop was asked for.
     *
     * @throws MattingStoppedException carrying {@link #reason()}
     */
    default void check() {
        String reason = reason();
        if (reason != null) {
            throw new MattingStoppedException(reason);
        }
    }
}
