package clearbg.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArtifactLocationTest {

    private static final String ROOT = "mlflow-artifacts:/3/0af1/artifacts";

    @Test
    void uploadsBelowTheRunsArtifactRootWithEncodedSegments() throws Exception {
        assertEquals(
                "/api/2.0/mlflow-artifacts/artifacts/3/0af1/artifacts/eval/curves/pr%20curve%2B%C3%A9.png",
                ArtifactLocation.uploadPath(ROOT, "eval/curves", "pr curve+é.png"));
        assertEquals(
                "/api/2.0/mlflow-artifacts/artifacts/3/0af1/artifacts/metrics.json",
                ArtifactLocation.uploadPath(ROOT, null, "metrics.json"));
        assertEquals(
                "/api/2.0/mlflow-artifacts/artifacts/3/0af1/artifacts/metrics.json",
                ArtifactLocation.uploadPath("mlflow-artifacts://127.0.0.1:5000/3/0af1/artifacts/", "", "metrics.json"));
    }

    @Test
    void refusesFoldersThatCouldLeaveTheRun() {
        for (String dir : new String[] {"../other", "/abs", "a//b", "a/./b", "a\\b", "plots/"}) {
            assertThrows(TrackingCallException.class, () -> ArtifactLocation.uploadPath(ROOT, dir, "x.png"), dir);
        }
    }

    @Test
    void refusesArtifactStoresTheServerDoesNotServe() {
        TrackingCallException error = assertThrows(
                TrackingCallException.class,
                () -> ArtifactLocation.uploadPath("s3://bucket/mlflow/3/0af1/artifacts", "plots", "x.png"));
        assertTrue(error.getMessage().contains("--serve-artifacts"), error.getMessage());
    }
}
