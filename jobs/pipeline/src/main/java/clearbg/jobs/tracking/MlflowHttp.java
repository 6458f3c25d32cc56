package clearbg.jobs.tracking;

import clearbg.jobs.files.LocationRedaction;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * JSON over HTTP to one MLflow tracking server: builds the requests (with the Authorization header when
 * credentials are given), retries what the server never processed (see {@link RetryPolicy}), and turns
 * every failure into a {@link TrackingCallException} whose message is safe to print. Requests go to the
 * tracking URI without its user-info, query or fragment. Thread-safe.
 */
final class MlflowHttp {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(10);
    private static final int MAX_REASON_CHARS = 200;
    private static final int MAX_BODY_BYTES = 16 << 20;

    private final String base;
    private final Optional<String> authorization;
    private final RetryPolicy retries;
    private final HttpClient client;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * @param trackingUri the server (its user-info, query and fragment are not used here)
     * @param credentials what to send in the Authorization header
     * @param retries how often a call the server did not process is tried
     */
    MlflowHttp(URI trackingUri, Credentials credentials, RetryPolicy retries) {
        String redacted = LocationRedaction.withoutSecrets(trackingUri.toString());
        this.base = redacted.endsWith("/") ? redacted.substring(0, redacted.length() - 1) : redacted;
        this.authorization = credentials.authorizationHeader();
        this.retries = retries;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A new JSON object for a request body. */
    ObjectNode object() {
        return json.createObjectNode();
    }

    /** GET {@code path} (below the tracking URI, starting with a slash) with the query parameters, in order. */
    JsonNode get(String path, Map<String, String> query) throws TrackingCallException {
        StringJoiner parameters = new StringJoiner("&", "?", "");
        query.forEach((name, value) -> parameters.add(encode(name) + "=" + encode(value)));
        HttpRequest request = request(path + parameters, CALL_TIMEOUT).GET().build();
        return answer("GET " + path, request);
    }

    /** POST the JSON {@code body} to {@code path} (below the tracking URI, starting with a slash). */
    JsonNode post(String path, JsonNode body) throws TrackingCallException {
        HttpRequest request = request(path, CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(body)))
                .build();
        return answer("POST " + path, request);
    }

    /**
     * PUT the content of {@code file} to {@code path} (below the tracking URI, starting with a slash, percent-
     * encoded).
     */
    void put(String path, Path file) throws TrackingCallException {
        String what = "PUT " + path;
        HttpRequest request;
        try {
            String type = Optional.ofNullable(Files.probeContentType(file)).orElse("application/octet-stream");
            request = request(path, UPLOAD_TIMEOUT)
                    .header("Content-Type", type)
                    .PUT(HttpRequest.BodyPublishers.ofFile(file))
                    .build();
        } catch (FileNotFoundException e) {
            throw new TrackingCallException(what + ": cannot read " + file + " (no such file)");
        } catch (IOException e) {
            throw new TrackingCallException(what + ": cannot read " + file + " (" + describe(e) + ")");
        }
        answer(what, request);
    }

    private HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + pathAndQuery))
                .timeout(timeout)
                .header("Accept", "application/json");
        authorization.ifPresent(value -> builder.header("Authorization", value));
        return builder;
    }

    private JsonNode answer(String what, HttpRequest request) throws TrackingCallException {
        Answer response = send(what, request);
        int status = response.status();
        String body = response.body();
        if (status / 100 == 2) {
            try {
                return body.isBlank() ? json.createObjectNode() : json.readTree(body);
            } catch (IOException e) {
                throw new TrackingCallException(what + ": the answer is not JSON (HTTP " + status + ")");
            }
        }
        String errorCode = null;
        String message = body;
        try {
            JsonNode error = json.readTree(body);
            if (error != null && error.hasNonNull("error_code")) {
                errorCode = error.get("error_code").asText();
                message = errorCode + ": " + error.path("message").asText("");
            }
        } catch (IOException notJson) {
            // an HTML page or plain text from a proxy: its start is the reason
        }
        String reason = what + ": HTTP " + status + (message.isBlank() ? "" : " " + shorten(message));
        if (status >= 500 || status == 429) {
            throw TrackingCallException.unreachable(reason);
        }
        throw new TrackingCallException(reason, errorCode);
    }

    private Answer send(String what, HttpRequest request) throws TrackingCallException {
        for (int attempt = 1; ; attempt++) {
            String notProcessed;
            try {
                Answer answer = exchange(request);
                if (answer.status() != 429 && answer.status() != 503 || attempt == retries.attempts()) {
                    return answer;
                }
                notProcessed = "HTTP " + answer.status();
            } catch (HttpConnectTimeoutException e) {
                notProcessed = "cannot connect within " + CONNECT_TIMEOUT.toSeconds() + " s";
            } catch (ConnectException e) {
                notProcessed = "cannot connect (" + connectFailure(e) + ")";
            } catch (HttpTimeoutException e) {
                throw TrackingCallException.unreachable(what + ": no whole answer within "
                        + request.timeout().map(Duration::toSeconds).orElse(0L) + " s");
            } catch (IOException e) {
                throw TrackingCallException.unreachable(what + ": " + describe(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrackingCallException(what + ": interrupted");
            }
            if (attempt == retries.attempts()) {
                throw TrackingCallException.unreachable(
                        what + ": " + notProcessed + (attempt > 1 ? " after " + attempt + " tries" : ""));
            }
            pause(what, retries.backoffBefore(attempt + 1));
        }
    }

    /**
     * One request and its whole answer within the request's time-out: the JDK client's own time-out ends when the
     * headers arrive, so the body is read against the same deadline, and at most {@value #MAX_BODY_BYTES} bytes of
     * it (MLflow's answers to these calls are small; a larger one is not MLflow's).
     */
    private Answer exchange(HttpRequest request) throws IOException, InterruptedException {
        long deadline =
                System.nanoTime() + request.timeout().orElse(CALL_TIMEOUT).toNanos();
        CompletableFuture<HttpResponse<InputStream>> pending =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response = await(pending, deadline, () -> pending.cancel(true));
        try (InputStream body = response.body()) {
            CompletableFuture<byte[]> reading = CompletableFuture.supplyAsync(() -> {
                try {
                    return body.readNBytes(MAX_BODY_BYTES + 1);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] bytes = await(reading, deadline, () -> closeQuietly(body));
            if (bytes.length > MAX_BODY_BYTES) {
                throw new IOException("the answer is larger than " + MAX_BODY_BYTES + " bytes");
            }
            return new Answer(response.statusCode(), new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static <T> T await(CompletableFuture<T> future, long deadline, Runnable onTimeout)
            throws IOException, InterruptedException {
        try {
            return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            onTimeout.run();
            throw new HttpTimeoutException("no whole answer in time");
        } catch (ExecutionException e) {
            Throwable cause =
                    e.getCause() instanceof UncheckedIOException unchecked ? unchecked.getCause() : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause);
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // closing only cancels the read
        }
    }

    /** An answer: its status and its body, read whole. */
    private record Answer(int status, String body) {}

    private static void pause(String what, Duration backoff) throws TrackingCallException {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrackingCallException(what + ": interrupted");
        }
    }

    private byte[] bytes(JsonNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The first message along the exception's causes, or the innermost cause's class name when none has one. */
    private static String describe(Exception e) {
        Throwable cause = e;
        while (cause.getMessage() == null || cause.getMessage().isBlank()) {
            if (cause.getCause() == null || cause.getCause() == cause) {
                return cause.getClass().getSimpleName();
            }
            cause = cause.getCause();
        }
        return shorten(cause.getMessage());
    }

    /** Why a connection failed; the JDK's client gives no message for the common cases. */
    private static String connectFailure(ConnectException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnresolvedAddressException) {
                return "unknown host";
            }
        }
        String reason = describe(e);
        return reason.equals("ConnectException") || reason.equals("ClosedChannelException")
                ? "nothing listening, or unreachable"
                : reason;
    }

    private static String shorten(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= MAX_REASON_CHARS ? line : line.substring(0, MAX_REASON_CHARS) + "...";
    }
}
