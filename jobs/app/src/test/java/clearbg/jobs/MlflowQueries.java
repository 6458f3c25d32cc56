package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** What the tests read back from a real MLflow server, through its REST API 2.0. */
final class MlflowQueries {

    private final String uri;
    private final HttpClient client = HttpClient.newHttpClient();

    MlflowQueries(String uri) {
        this.uri = uri.replaceAll("/+$", "");
    }

    /** The runs of experiment {@code name} (the {@code runs} array of runs/search). */
    JsonNode runs(String experiment) throws IOException, InterruptedException {
        String id = get("/api/2.0/mlflow/experiments/get-by-name?experiment_name=" + encode(experiment))
                .path("experiment")
                .path("experiment_id")
                .asText();
        return post("/api/2.0/mlflow/runs/search", "{\"experiment_ids\":[\"" + id + "\"]}")
                .path("runs");
    }

    /** Every logged value of metric {@code key} of run {@code runId}. */
    JsonNode history(String runId, String key) throws IOException, InterruptedException {
        return get("/api/2.0/mlflow/metrics/get-history?run_id=" + encode(runId) + "&metric_key=" + encode(key))
                .path("metrics");
    }

    /** The artifact listing of run {@code runId}'s root, as JSON text. */
    String artifacts(String runId) throws IOException, InterruptedException {
        return get("/api/2.0/mlflow/artifacts/list?run_id=" + encode(runId)).toString();
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(uri + path)).GET().build());
    }

    private JsonNode post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(uri + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), request.uri() + ": " + response.body());
        return new ObjectMapper().readTree(response.body());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
