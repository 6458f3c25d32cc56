package clearbg.cli.serve;

import clearbg.jobs.report.Printable;
import clearbg.model.image.DecodeLimits;
import clearbg.model.predict.Predictor;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The HTTP side of {@code clearbg serve} (Javalin on Jetty): the try-it page at {@code /}, rembg's
 * {@code /api/remove}, {@code /health} and {@code /metrics}. Owns the {@link MicroBatcher}; the predictor's
 * network stays the caller's.
 *
 * <p>As a service exposed to uploads:
 * <ul>
 *   <li>a request body must arrive at {@value #MIN_UPLOAD_BYTES_PER_SECOND} bytes per second or more (Jetty's
 *       minimum request data rate; a slower sender is answered 408 and its thread is free again), and a
 *       connection idle for {@value #IDLE_TIMEOUT_MILLIS} ms is closed, so slow senders cannot hold the threads;</li>
 *   <li>bound to a loopback address, it answers only requests addressed to this machine and not sent by other
 *       web pages ({@link LoopbackGuard}; 403 otherwise);</li>
 *   <li>every request gets one access-log line: time, client address, method, path (never the query), status,
 *       bytes answered, milliseconds and, for an error, its reason; never a file's contents;</li>
 *   <li>an error the handlers did not expect is answered 500 with its kind, logged, and counted.</li>
 * </ul>
 */
public final class ServeServer implements AutoCloseable {

    /**
     * Slowest request body accepted: 512 bytes/s. Jetty measures the rate from the body's first byte to each read
     * the server makes, so a busy server that reads a small body late would see a "slow" client: at 4 KiB/s a
     * 2 KB body read 0.6 s late was answered 408 on a loaded 2-core machine; at 512 bytes/s that takes 4 s for
     * 2 KB (20 s for a 10 KB photo), while a slowloris client (a byte every few seconds) is still cut off within
     * about a second.
     */
    public static final long MIN_UPLOAD_BYTES_PER_SECOND = 512;
    /** How long a connection may be idle. */
    public static final long IDLE_TIMEOUT_MILLIS = 30_000;

    private static final String PAGE = "/clearbg/serve/index.html";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REASON = "clearbg.reason";
    private static final String BYTES = "clearbg.bytes";

    private final MicroBatcher batcher;
    private final ServeMetrics metrics;
    private final RemoveApi api;
    private final Map<String, String> descriptions = new LinkedHashMap<>();
    private final byte[] page;
    private final Javalin app;

    /**
     * Starts listening.
     *
     * @param models the networks served, by a request's {@code model} field; the first is the default
     * @param limits the limits of uploaded images
     * @param accessLog receives one line per request
     */
    public ServeServer(
            List<ServedModel> models, DecodeLimits limits, ServeSettings settings, Consumer<String> accessLog) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no model to serve");
        }
        Map<String, Predictor> predictors = new LinkedHashMap<>();
        for (ServedModel model : models) {
            if (predictors.put(model.name(), model.predictor()) != null) {
                throw new IllegalArgumentException("two models are named " + model.name());
            }
            descriptions.put(model.name(), model.description());
        }
        this.batcher = new MicroBatcher(predictors, settings);
        this.metrics = new ServeMetrics(batcher);
        this.api = new RemoveApi(limits, batcher, List.copyOf(predictors.keySet()), settings);
        this.page = resource(PAGE);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jetty.multipartConfig.maxFileSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(
                    (int) Math.min(Integer.MAX_VALUE, settings.maxBodyBytes()), SizeUnit.BYTES);
            config.jetty.modifyHttpConfiguration(http -> {
                http.setMinRequestDataRate(MIN_UPLOAD_BYTES_PER_SECOND);
                http.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
            });
            config.requestLogger.http((ctx, millis) -> accessLog.accept(accessLine(ctx, millis)));
        });
        if (LoopbackGuard.guards(settings.host())) {
            app.before(this::guard);
        }
        app.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
        app.get("/health", this::health);
        app.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.render()));
        app.post("/api/remove", this::remove);
        app.get("/api/remove", this::remove);
        app.exception(Exception.class, this::unexpected);
        try {
            app.start(settings.host(), settings.port());
        } catch (RuntimeException e) {
            batcher.close();
            throw e;
        }
    }

    /** The port listened on (the chosen one when the settings said 0). */
    public int port() {
        return app.port();
    }

    private void guard(Context ctx) {
        Optional<String> refusal = LoopbackGuard.refusal(ctx.header("Host"), ctx.header("Origin"));
        if (refusal.isPresent()) {
            answer(ctx, RemoveApi.Answer.text(403, refusal.get()));
            if (ctx.path().equals("/api/remove")) {
                metrics.record(403, 0);
            }
            ctx.skipRemainingHandlers();
        }
    }

    private void health(Context ctx) throws IOException {
        ctx.contentType("application/json")
                .result(JSON.writeValueAsString(Map.of(
                        "status",
                        "ok",
                        "model",
                        descriptions.values().iterator().next(),
                        "models",
                        descriptions,
                        "queued",
                        batcher.queued())));
    }

    private void remove(Context ctx) {
        long start = System.nanoTime();
        RemoveApi.Answer answer = api.answer(ctx);
        if (answer.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        answer(ctx, answer);
        metrics.record(answer.status(), System.nanoTime() - start);
    }

    private void unexpected(Exception e, Context ctx) {
        answer(ctx, RemoveApi.Answer.text(500, "internal error (" + e.getClass().getSimpleName() + ")"));
        if (ctx.path().equals("/api/remove")) {
            metrics.record(500, 0);
        }
        System.err.println("clearbg serve: internal error on " + ctx.method() + " " + Printable.of(ctx.path()) + ": "
                + Printable.of(String.valueOf(e)));
    }

    /** Sends {@code answer}, noting its size and, for an error, its reason for the access log. */
    private static void answer(Context ctx, RemoveApi.Answer answer) {
        ctx.status(answer.status()).contentType(answer.contentType()).result(answer.body());
        ctx.attribute(BYTES, answer.body().length);
        if (answer.status() >= 400) {
            ctx.attribute(REASON, new String(answer.body(), StandardCharsets.UTF_8).strip());
        }
    }

    /**
     * {@code 2026-12-07T20:15:03.412Z 127.0.0.1 POST /api/remove 422 61 B 12 ms "p.png: not an image"}: the
     * path without its query (a query may carry anything), sizes and reasons escaped to one line.
     */
    private static String accessLine(Context ctx, float millis) {
        Integer bytes = ctx.attribute(BYTES);
        String reason = ctx.attribute(REASON);
        return String.format(
                Locale.ROOT,
                "%s %s %s %s %d %s %.0f ms%s",
                Instant.now().truncatedTo(ChronoUnit.MILLIS),
                ctx.ip(),
                ctx.method(),
                Printable.of(ctx.path()),
                ctx.statusCode(),
                bytes == null ? "-" : bytes + " B",
                millis,
                reason == null ? "" : " \"" + Printable.of(reason) + "\"");
    }

    private static byte[] resource(String name) {
        try (InputStream in = ServeServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the application jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(name, e);
        }
    }

    /** Stops listening, then the forward workers. */
    @Override
    public void close() {
        app.stop();
        batcher.close();
    }
}
