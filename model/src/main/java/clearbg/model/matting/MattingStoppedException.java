package clearbg.model.matting;

/** Alpha matting stopped before it finished, because its {@link MattingStop} said why. */
public final class MattingStoppedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param reason why the matting stopped */
    public MattingStoppedException(String reason) {
        super("alpha matting stopped: " + reason);
    }
}
