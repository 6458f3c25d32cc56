package clearbg.jobs.options;

/**
 * DJL settings every entry point needs before the engine starts: offline (the PyTorch natives come from
 * the jar; nothing is downloaded) and no usage tracking. Values already set by the user win.
 */
public final class OfflineEngine {

    private OfflineEngine() {}

    /** Sets the defaults where the user has not. */
    public static void applyDefaults() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("ai.djl.default_engine", "PyTorch");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
