package clearbg.jobs.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The calls of MLflow's REST API 2.0 that a tracked job makes: find or create an experiment, create or
 * reopen a run, log batches, set a tag, end a run, upload an artifact. Each call either succeeds or throws a
 * {@link TrackingCallException}.
 */
final class MlflowApi {

    /** log-batch takes at most 1000 metrics per call. */
    static final int MAX_METRICS_PER_BATCH = 1000;
    /** log-batch takes at most 100 params per call. */
    static final int MAX_PARAMS_PER_BATCH = 100;

    private static final String API = "/api/2.0/mlflow";
    private static final String ACTIVE = "active";

    private final MlflowHttp http;

    MlflowApi(MlflowHttp http) {
        this.http = http;
    }

    /** The id of the active experiment called {@code name}, created when there is none. */
    String experimentId(String name) throws TrackingCallException {
        JsonNode existing = experimentByName(name);
        if (existing != null) {
            return activeExperimentId(existing, name);
        }
        ObjectNode body = http.object().put("name", name);
        try {
            return http.post(API + "/experiments/create", body)
                    .path("experiment_id")
                    .asText();
        } catch (TrackingCallException e) {
            if (!"RESOURCE_ALREADY_EXISTS".equals(e.errorCode())) {
                throw e;
            }
            JsonNode createdMeanwhile = experimentByName(name);
            if (createdMeanwhile == null) {
                throw e;
            }
            return activeExperimentId(createdMeanwhile, name);
        }
    }

    /** Starts a new run (status RUNNING) in the experiment. */
    RunInfo createRun(String experimentId, String runName, long startTimeMillis, String user)
            throws TrackingCallException {
        ObjectNode body = http.object()
                .put("experiment_id", experimentId)
                .put("start_time", startTimeMillis)
                .put("user_id", user);
        if (runName != null) {
            body.put("run_name", runName);
        }
        return runInfo(http.post(API + "/runs/create", body).path("run"));
    }

    /** Sets an existing, not deleted run back to RUNNING (its end time cleared), to log into it again. */
    RunInfo reopenRun(String runId) throws TrackingCallException {
        JsonNode run = http.get(API + "/runs/get", Map.of("run_id", runId)).path("run");
        if (!ACTIVE.equals(run.path("info").path("lifecycle_stage").asText(ACTIVE))) {
            throw new TrackingCallException("run " + runId + " is deleted; restore it to resume it");
        }
        http.post(API + "/runs/update", http.object().put("run_id", runId).put("status", "RUNNING"));
        return runInfo(run);
    }

    /**
     * Logs metrics and params in one call: at most {@value #MAX_METRICS_PER_BATCH} and {@value #MAX_PARAMS_PER_BATCH}.
     */
    void logBatch(String runId, List<Metric> metrics, List<Param> params) throws TrackingCallException {
        if (metrics.size() > MAX_METRICS_PER_BATCH || params.size() > MAX_PARAMS_PER_BATCH) {
            throw new IllegalArgumentException("log-batch takes at most " + MAX_METRICS_PER_BATCH + " metrics and "
                    + MAX_PARAMS_PER_BATCH + " params, got " + metrics.size() + " and " + params.size());
        }
        ObjectNode body = http.object().put("run_id", runId);
        ArrayNode metricArray = body.putArray("metrics");
        metrics.forEach(metric -> metricArray
                .addObject()
                .put("key", metric.key())
                .put("value", metric.value())
                .put("timestamp", metric.timestamp())
                .put("step", metric.step()));
        ArrayNode paramArray = body.putArray("params");
        params.forEach(param -> paramArray.addObject().put("key", param.key()).put("value", param.value()));
        http.post(API + "/runs/log-batch", body);
    }

    /** Sets (or replaces) one tag of the run. */
    void setTag(String runId, String key, String value) throws TrackingCallException {
        http.post(
                API + "/runs/set-tag",
                http.object().put("run_id", runId).put("key", key).put("value", value));
    }

    /** Ends the run with {@code status} (FINISHED, FAILED or KILLED) at {@code endTimeMillis}. */
    void endRun(String runId, String status, long endTimeMillis) throws TrackingCallException {
        http.post(
                API + "/runs/update",
                http.object().put("run_id", runId).put("status", status).put("end_time", endTimeMillis));
    }

    /** Uploads {@code file} into {@code artifactDir} (null or empty: the root) of the run's artifacts. */
    void uploadArtifact(RunInfo run, Path file, String artifactDir) throws TrackingCallException {
        Path name = file.getFileName();
        if (name == null) {
            throw new TrackingCallException("an artifact must be a file, got " + file);
        }
        http.put(ArtifactLocation.uploadPath(run.artifactUri(), artifactDir, name.toString()), file);
    }

    private JsonNode experimentByName(String name) throws TrackingCallException {
        try {
            return http.get(API + "/experiments/get-by-name", Map.of("experiment_name", name))
                    .path("experiment");
        } catch (TrackingCallException e) {
            if ("RESOURCE_DOES_NOT_EXIST".equals(e.errorCode())) {
                return null;
            }
            throw e;
        }
    }

    private static String activeExperimentId(JsonNode experiment, String name) throws TrackingCallException {
        if (!ACTIVE.equals(experiment.path("lifecycle_stage").asText(ACTIVE))) {
            throw new TrackingCallException("experiment '" + name + "' is deleted; restore it or choose another name");
        }
        return experiment.path("experiment_id").asText();
    }

    private static RunInfo runInfo(JsonNode run) throws TrackingCallException {
        JsonNode info = run.path("info");
        String runId = info.path("run_id").asText("");
        if (runId.isEmpty()) {
            throw new TrackingCallException("the server's answer names no run");
        }
        return new RunInfo(
                runId,
                info.path("experiment_id").asText(),
                info.path("artifact_uri").asText());
    }
}
