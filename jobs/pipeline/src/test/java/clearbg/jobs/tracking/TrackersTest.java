package clearbg.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrackersTest {

    @Test
    void trackingOffGivesASilentTrackerWithoutRunId(@TempDir Path dir) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RunTracker tracker =
                Trackers.open(TrackingSettings.off(), new PrintStream(out, true, StandardCharsets.UTF_8))) {
            tracker.logMetric("loss", 1, 0);
            tracker.logArtifact(dir.resolve("missing.png"), "plots");
            assertSame(NoOpTracker.INSTANCE, tracker);
            assertNull(tracker.runId());
        }
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnreachableServerGivesOneWarningWithoutSecretsAndTheJobGoesOn(@TempDir Path dir) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI uri = URI.create("http://bob:hunter2@127.0.0.1:" + closedPort + "/?auth=qwerty");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RunTracker tracker = Trackers.open(
                new TrackingSettings(uri, "clearbg-test", "unreachable"),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                Map.of("MLFLOW_TRACKING_TOKEN", "tok-secret"))) {
            tracker.logParams(Map.of("lr", "0.001"));
            tracker.logMetric("loss", 0.5, 1);
            tracker.setTag("stage", "train");
            tracker.logArtifact(dir.resolve("missing.png"), "plots");
            tracker.close(true);
            assertNull(tracker.runId());
        }
        String log = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, log.lines().count(), log);
        assertTrue(
                log.startsWith("clearbg: warning: MLflow tracking at http://127.0.0.1:" + closedPort + "/ is off: "),
                log);
        assertTrue(log.contains("cannot connect"), log);
        for (String secret : new String[] {"bob", "hunter2", "qwerty", "tok-secret"}) {
            assertFalse(log.contains(secret), log);
        }
    }
}
