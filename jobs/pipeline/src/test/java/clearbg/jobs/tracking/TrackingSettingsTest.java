package clearbg.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrackingSettingsTest {

    @Test
    void nullOrBlankUriMeansTrackingOff() {
        assertFalse(new TrackingSettings(null, null, null).enabled());
        assertFalse(new TrackingSettings(URI.create(""), null, null).enabled());
        assertFalse(TrackingSettings.off().enabled());
    }

    @Test
    void aNewRunNeedsAnExperimentAResumedOneDoesNot() {
        URI server = URI.create("http://127.0.0.1:5000");
        assertThrows(IllegalArgumentException.class, () -> new TrackingSettings(server, " ", "run"));
        TrackingSettings resumed = new TrackingSettings(server, null, null, "abc123");
        assertTrue(resumed.enabled());
        assertEquals(
                "abc123",
                new TrackingSettings(server, "clearbg", "").resuming("abc123").runId());
        assertNull(new TrackingSettings(server, "clearbg", " ").runName());
    }

    @Test
    void onlyHttpServersAreAcceptedAndTheErrorHidesCredentials() {
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class,
                () -> new TrackingSettings(URI.create("ftp://bob:hunter2@host/x"), "e", null));
        assertTrue(error.getMessage().contains("ftp://host/x"), error.getMessage());
        assertFalse(error.getMessage().contains("hunter2"), error.getMessage());
    }

    @Test
    void toStringHidesCredentials() {
        String text = new TrackingSettings(URI.create("http://bob:hunter2@host:5000"), "e", "r").toString();
        assertTrue(text.contains("http://host:5000"), text);
        assertFalse(text.contains("hunter2"), text);
    }

    @Test
    void readsTheTrackingUriFromTheEnvironmentWithoutEchoingABadOne() {
        assertEquals(
                URI.create("http://127.0.0.1:5000"),
                TrackingSettings.trackingUriFrom(Map.of("MLFLOW_TRACKING_URI", " http://127.0.0.1:5000 ")));
        assertNull(TrackingSettings.trackingUriFrom(Map.of()));
        IllegalArgumentException error = assertThrows(
                IllegalArgumentException.class, () -> TrackingSettings.parseTrackingUri("http://bob:hunter 2@host"));
        assertFalse(error.getMessage().contains("hunter"), error.getMessage());
    }
}
