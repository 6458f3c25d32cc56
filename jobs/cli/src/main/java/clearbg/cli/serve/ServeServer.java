package clearbg.cli.serve;

import clearbg.model.image.DecodeLimits;
import clearbg.model.predict.Predictor;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The HTTP side of {@code clearbg serve} (Javalin on Jetty): the try-it page at {@code /}, rembg's
 * {@code /api/remove}, {@code /health} and {@code /metrics}. Owns the {@link MicroBatcher}; the predictor's
 * network stays the caller's.
 */
public final class ServeServer implements AutoCloseable {

    private static final String PAGE = "/clearbg/serve/index.html";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MicroBatcher batcher;
    private final ServeMetrics metrics;
    private final RemoveApi api;
    private final String description;
    private final byte[] page;
    private final Javalin app;

    /**
     * Starts listening.
     *
     * @param limits the limits of uploaded images
     * @param description one line for {@code /health} (model, engine, precision)
     */
    public ServeServer(Predictor predictor, DecodeLimits limits, ServeSettings settings, String description) {
        this.batcher = new MicroBatcher(predictor, settings);
        this.metrics = new ServeMetrics(batcher);
        this.api = new RemoveApi(limits, batcher, settings);
        this.description = description;
        this.page = resource(PAGE);
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.jetty.multipartConfig.maxFileSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxTotalRequestSize(settings.maxBodyBytes(), SizeUnit.BYTES);
            config.jetty.multipartConfig.maxInMemoryFileSize(
                    (int) Math.min(Integer.MAX_VALUE, settings.maxBodyBytes()), SizeUnit.BYTES);
        });
        app.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(page));
        app.get("/health", this::health);
        app.get(
                "/metrics",
                ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.render()));
        app.post("/api/remove", this::remove);
        app.get("/api/remove", this::remove);
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

    private void health(Context ctx) throws IOException {
        ctx.contentType("application/json")
                .result(JSON.writeValueAsString(
                        Map.of("status", "ok", "model", description, "queued", batcher.queued())));
    }

    private void remove(Context ctx) {
        long start = System.nanoTime();
        RemoveApi.Answer answer = api.answer(ctx);
        if (answer.status() == 503) {
            ctx.header("Retry-After", "1");
        }
        ctx.status(answer.status()).contentType(answer.contentType()).result(answer.body());
        metrics.record(answer.status(), System.nanoTime() - start);
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
