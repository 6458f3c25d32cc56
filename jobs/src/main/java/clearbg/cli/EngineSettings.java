package clearbg.cli;

/**
 * DJL settings the local command needs before the engine starts: offline (the natives come from the jar,
 * nothing is downloaded) and no usage tracking. Values already set by the user win.
 */
final class EngineSettings {

    private EngineSettings() {}

    static void applyOfflineDefaults() {
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
