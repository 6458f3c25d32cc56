package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.jobs.tracking.RunTracker;
import clearbg.jobs.tracking.Trackers;
import clearbg.jobs.tracking.TrackingSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracking client against a real MLflow server (one for the class): what a job logs is read back through
 * MLflow's REST API, independently of the client.
 */
class MlflowTrackingIT {

    @TempDir
    static Path serverDir;

    private static LocalMlflowServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeAll
    static void startServer() throws Exception {
        server = new LocalMlflowServer(serverDir);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void paramsMetricCurveTagsAndArtifactsAreReadBack(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("pr curve.png");
        ImageIO.write(new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_GRAY), "png", png.toFile());
        Path json = Files.writeString(dir.resolve("metrics.json"), "{\"maxF\": 0.8}");
        Map<String, String> params = Map.of("lr", "0.001", "arch", "u2netp", "batch", "12");
        String runId;
        try (RunTracker run = Trackers.open(settings("curves", "curve-run"), log())) {
            run.logParams(params);
            for (int step = 0; step < 20; step++) {
                run.logMetric("loss", 1.0 / (step + 1), step);
            }
            Map<String, Double> eval = new LinkedHashMap<>();
            eval.put("maxF", 0.8);
            eval.put("mae", 0.05);
            run.logMetrics(eval, 19);
            run.logMetric("diverged", Double.NaN, 3);
            run.setTag("stage", "train");
            run.setTag("stage", "eval");
            run.logArtifact(png, "plots/eval");
            run.logArtifact(json, null);
            runId = run.runId();
            run.close(true);
        }
        assertEquals("", log.toString(StandardCharsets.UTF_8));

        JsonNode info =
                get("/api/2.0/mlflow/runs/get", "run_id", runId).path("run").path("info");
        JsonNode data =
                get("/api/2.0/mlflow/runs/get", "run_id", runId).path("run").path("data");
        assertEquals("FINISHED", info.path("status").asText());
        assertEquals("curve-run", info.path("run_name").asText());
        assertTrue(info.path("end_time").asLong() >= info.path("start_time").asLong(), info.toString());
        assertEquals(experimentId("curves"), info.path("experiment_id").asText());
        assertEquals(params, keyValues(data.path("params")));
        assertEquals("eval", keyValues(data.path("tags")).get("stage"));

        JsonNode loss = history(runId, "loss");
        assertEquals(20, loss.size());
        for (int step = 0; step < 20; step++) {
            assertEquals(step, loss.get(step).path("step").asLong());
            assertEquals(1.0 / (step + 1), loss.get(step).path("value").asDouble(), 0.0);
            assertTrue(loss.get(step).path("timestamp").asLong() > 1_600_000_000_000L);
        }
        assertEquals(0.05, history(runId, "mae").get(0).path("value").asDouble(), 0.0);
        assertEquals(19, history(runId, "maxF").get(0).path("step").asLong());
        assertEquals("NaN", history(runId, "diverged").get(0).path("value").asText());

        JsonNode listed = get("/api/2.0/mlflow/artifacts/list", "run_id", runId, "path", "plots/eval")
                .path("files");
        assertEquals(1, listed.size(), listed.toString());
        assertEquals("plots/eval/pr curve.png", listed.get(0).path("path").asText());
        assertEquals(Files.size(png), listed.get(0).path("file_size").asLong());
        assertArrayEquals(Files.readAllBytes(png), download(info, "plots/eval/pr%20curve.png"));
        assertArrayEquals(Files.readAllBytes(json), download(info, "metrics.json"));
    }

    @Test
    void moreMetricsThanOneBatchTakesAllArrive() throws Exception {
        String runId;
        try (RunTracker run = Trackers.open(settings("batches", null), log())) {
            IntStream.range(0, 2500).forEach(step -> run.logMetric("loss", step, step));
            runId = run.runId();
            run.close(true);
        }
        assertEquals("", log.toString(StandardCharsets.UTF_8));
        JsonNode loss = history(runId, "loss");
        assertEquals(2500, loss.size());
        assertEquals(2499.0, loss.get(2499).path("value").asDouble(), 0.0);
    }

    @Test
    void aResumedRunGoesOnInTheSameRun() throws Exception {
        TrackingSettings first = settings("resume", "long-training");
        String runId;
        try (RunTracker run = Trackers.open(first, log())) {
            run.logParams(Map.of("lr", "0.001"));
            run.logMetric("loss", 3, 0);
            run.logMetric("loss", 2, 1);
            runId = run.runId();
        }
        assertEquals(
                "FAILED",
                get("/api/2.0/mlflow/runs/get", "run_id", runId)
                        .path("run")
                        .path("info")
                        .path("status")
                        .asText(),
                "try-with-resources without close(true) ends the run FAILED");

        try (RunTracker run = Trackers.open(first.resuming(runId), log())) {
            assertEquals(runId, run.runId());
            run.logParams(Map.of("lr", "0.001"));
            run.logMetric("loss", 1, 2);
            run.close(true);
        }
        assertEquals("", log.toString(StandardCharsets.UTF_8));
        assertEquals(
                "FINISHED",
                get("/api/2.0/mlflow/runs/get", "run_id", runId)
                        .path("run")
                        .path("info")
                        .path("status")
                        .asText());
        JsonNode loss = history(runId, "loss");
        assertEquals(List.of(0L, 1L, 2L), steps(loss));
    }

    @Test
    void aRefusedCallIsDroppedWithAWarningAndTrackingGoesOn() throws Exception {
        String runId;
        try (RunTracker run = Trackers.open(settings("refusals", null), log())) {
            run.logParams(Map.of("lr", "0.001"));
            run.logParams(Map.of("lr", "0.01"));
            run.logMetric("loss", 1, 0);
            run.setTag("after", "refusal");
            runId = run.runId();
            run.close(true);
        }
        String warning = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, warning.lines().count(), warning);
        assertTrue(
                warning.startsWith("clearbg: warning: MLflow tracking at " + server.uri() + " refused a call"),
                warning);
        assertTrue(warning.contains("INVALID_PARAMETER_VALUE"), warning);
        JsonNode run = get("/api/2.0/mlflow/runs/get", "run_id", runId).path("run");
        assertEquals("FINISHED", run.path("info").path("status").asText(), "the calls after the refusal are sent");
        assertEquals(Map.of("lr", "0.001"), keyValues(run.path("data").path("params")));
        assertEquals(List.of(0L), steps(history(runId, "loss")));
        assertEquals("refusal", keyValues(run.path("data").path("tags")).get("after"));
    }

    @Test
    void aServerKilledAndRestartedMidRunLosesNothingAndTheRunEndsFinished(@TempDir Path own) throws Exception {
        try (LocalMlflowServer restarting = new LocalMlflowServer(own)) {
            String runId;
            try (RunTracker run = Trackers.open(new TrackingSettings(restarting.uri(), "it-restart", null), log())) {
                runId = run.runId();
                run.logParams(Map.of("lr", "0.001"));
                for (int step = 0; step < 5; step++) {
                    run.logMetric("loss", 1.0 / (step + 1), step);
                }
                run.flush();
                restarting.close();
                for (int step = 5; step < 10; step++) {
                    run.logMetric("loss", 1.0 / (step + 1), step);
                }
                run.flush();
                run.setTag("during", "outage");
                assertTrue(log.toString(StandardCharsets.UTF_8).contains("does not answer"), log.toString());
                restarting.restart();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
                int step = 10;
                // the outage warning itself says "sent when the server answers again"; the recovery line says "after"
                while (!log.toString(StandardCharsets.UTF_8).contains("answers again after")
                        && System.nanoTime() < deadline) {
                    run.logMetric("loss", 1.0 / (step + 1), step++);
                    Thread.sleep(1000);
                }
                run.logMetric("loss", 0.0, step);
                run.close(true);
            }
            String lines = log.toString(StandardCharsets.UTF_8);
            assertTrue(lines.contains("answers again after"), lines);
            JsonNode run = get(restarting.uri(), "/api/2.0/mlflow/runs/get", "run_id", runId)
                    .path("run");
            assertEquals("FINISHED", run.path("info").path("status").asText());
            assertEquals("outage", keyValues(run.path("data").path("tags")).get("during"));
            List<Long> steps = steps(
                    get(restarting.uri(), "/api/2.0/mlflow/metrics/get-history", "run_id", runId, "metric_key", "loss")
                            .path("metrics"));
            List<Long> expected = new ArrayList<>();
            for (long s = 0; s < steps.size(); s++) {
                expected.add(s);
            }
            assertTrue(steps.size() > 11, "metrics of before, during and after the outage: " + steps + "\n" + lines);
            assertEquals(expected, steps.stream().sorted().toList(), "every step once, none lost");
        }
    }

    @Test
    void aResumeOfAnUnknownRunWarnsAndLogsNothing() {
        try (RunTracker run =
                Trackers.open(settings("unknown", null).resuming("0123456789abcdef0123456789abcdef"), log())) {
            run.logMetric("loss", 1, 0);
            assertEquals(null, run.runId());
        }
        String warning = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, warning.lines().count(), warning);
        assertTrue(warning.contains("RESOURCE_DOES_NOT_EXIST"), warning);
    }

    private PrintStream log() {
        return new PrintStream(log, true, StandardCharsets.UTF_8);
    }

    private static TrackingSettings settings(String experiment, String runName) {
        return new TrackingSettings(server.uri(), "it-" + experiment, runName);
    }

    private static String experimentId(String experiment) throws IOException, InterruptedException {
        return get("/api/2.0/mlflow/experiments/get-by-name", "experiment_name", "it-" + experiment)
                .path("experiment")
                .path("experiment_id")
                .asText();
    }

    private static JsonNode history(String runId, String key) throws IOException, InterruptedException {
        return get("/api/2.0/mlflow/metrics/get-history", "run_id", runId, "metric_key", key)
                .path("metrics");
    }

    private static List<Long> steps(JsonNode metrics) {
        List<Long> steps = new ArrayList<>();
        metrics.forEach(metric -> steps.add(metric.path("step").asLong()));
        return steps;
    }

    private static Map<String, String> keyValues(JsonNode pairs) {
        Map<String, String> map = new HashMap<>();
        pairs.forEach(
                pair -> map.put(pair.path("key").asText(), pair.path("value").asText()));
        return map;
    }

    private static byte[] download(JsonNode runInfo, String encodedPath) throws IOException, InterruptedException {
        URI uri = server.uri()
                .resolve("/api/2.0/mlflow-artifacts/artifacts/"
                        + runInfo.path("experiment_id").asText() + "/"
                        + runInfo.path("run_id").asText() + "/artifacts/" + encodedPath);
        HttpResponse<byte[]> response =
                HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), uri.toString());
        return response.body();
    }

    private static JsonNode get(String path, String... query) throws IOException, InterruptedException {
        return get(server.uri(), path, query);
    }

    private static JsonNode get(URI base, String path, String... query) throws IOException, InterruptedException {
        StringBuilder uri = new StringBuilder(base + path);
        for (int i = 0; i < query.length; i += 2) {
            uri.append(i == 0 ? '?' : '&')
                    .append(query[i])
                    .append('=')
                    .append(URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8));
        }
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(uri.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), uri + ": " + response.body());
        return JSON.readTree(response.body());
    }
}
