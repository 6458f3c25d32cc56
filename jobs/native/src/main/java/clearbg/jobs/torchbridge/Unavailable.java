package clearbg.jobs.torchbridge;

/** Why the bridge cannot be loaded; its message becomes {@link BridgeLoad#description()}. */
final class Unavailable extends Exception {

    private static final long serialVersionUID = 1L;

    Unavailable(String reason) {
        super(reason);
    }
}
