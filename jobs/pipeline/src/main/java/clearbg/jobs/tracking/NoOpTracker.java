package clearbg.jobs.tracking;

import java.nio.file.Path;
import java.util.Map;

/** The tracker when tracking is off: every call does nothing. */
enum NoOpTracker implements RunTracker {
    INSTANCE;

    @Override
    public void logParams(Map<String, String> params) {}

    @Override
    public void logMetric(String key, double value, long step) {}

    @Override
    public void logMetrics(Map<String, Double> values, long step) {}

    @Override
    public void setTag(String key, String value) {}

    @Override
    public void logArtifact(Path file, String artifactDir) {}

    @Override
    public void flush() {}

    @Override
    public String runId() {
        return null;
    }

    @Override
    public void close(boolean success) {}

    @Override
    public void close() {}
}
