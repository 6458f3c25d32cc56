package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.cli.serve.ServeServer;
import clearbg.cli.serve.ServeSettings;
import clearbg.cli.serve.ServedModel;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.ImageMemoryBudget;
import clearbg.model.nn.Arch;
import clearbg.model.predict.FusedMapNetwork;
import clearbg.model.predict.Predictor;
import clearbg.model.predict.PredictorSettings;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Alpha matting in {@code clearbg serve} as a budgeted, cancellable job on the worker pool: refused over its
 * pixel cap before decoding, stopped at its deadline (504) and when the client goes away (counted as 499),
 * each time giving its worker and its memory back.
 */
class ServeMattingTest {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    /** A share of the heap no other test uses, so that this test's image budget is its own. */
    private static final DecodeLimits LIMITS = new DecodeLimits(20_000_000, 64L << 20, 37);

    /**
     * A network whose map rises from left to right: the mask is a ramp, so most pixels fall between
     * matting's thresholds and the solver has a large unknown region to work on (seconds to minutes).
     */
    private static final class RampNetwork implements FusedMapNetwork {
        @Override
        public Arch arch() {
            return Arch.U2NETP;
        }

        @Override
        public float[] fusedMaps(float[] input, int batch, int side) {
            float[] maps = new float[batch * side * side];
            for (int i = 0; i < maps.length; i++) {
                maps[i] = (i % side) / (float) side;
            }
            return maps;
        }

        @Override
        public void close() {}
    }

    private static ServeServer server(long mattingMaxPixels, long timeoutMillis) {
        return new ServeServer(
                List.of(new ServedModel(
                        "ramp", new Predictor(new RampNetwork(), new PredictorSettings(64, 1)), "ramp")),
                LIMITS,
                new ServeSettings(
                        "127.0.0.1",
                        0,
                        1,
                        4,
                        1,
                        0,
                        64L << 20,
                        new ServeSettings.MattingLimits(mattingMaxPixels, timeoutMillis)),
                line -> {});
    }

    @Test
    void anImageOverTheMattingCapIsRefusedButServedWithoutMatting() throws Exception {
        byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(300, 200), "png");
        try (ServeServer serve = server(50_000, 60_000)) {
            HttpResponse<String> refused = post(serve, photo, true);
            assertEquals(422, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("60000 pixels, over alpha matting's limit of 50000"), refused.body());
            assertTrue(refused.body().contains("--matting-max-pixels"), refused.body());
            assertEquals(200, post(serve, photo, false).statusCode());
        }
    }

    @Test
    void mattingPastItsDeadlineAnswers504AndFreesItsWorkerAndMemory() throws Exception {
        ImageMemoryBudget budget = LIMITS.budget();
        byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(1200, 1000), "png");
        try (ServeServer serve = server(4_000_000, 300)) {
            HttpResponse<String> late = post(serve, photo, true);
            assertEquals(504, late.statusCode(), late.body());
            assertTrue(late.body().contains("did not finish within 300 ms (--matting-timeout)"), late.body());
            assertEquals(budget.capacityBytes(), budget.freeBytes(), "the image's memory was given back");
            assertEquals(0, gauge(serve, "clearbg_tasks_running"), "the worker stopped matting");
            byte[] small = RemoveCommandTest.encode(RemoveCommandTest.photo(60, 40), "png");
            assertEquals(200, post(serve, small, false).statusCode(), "the one worker is free again");
            assertTrue(metrics(serve).contains("clearbg_requests_total{status=\"504\"} 1"), metrics(serve));
        }
    }

    @Test
    void mattingStopsWhenTheClientGoesAway() throws Exception {
        ImageMemoryBudget budget = LIMITS.budget();
        byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(1200, 1000), "png");
        try (ServeServer serve = server(4_000_000, TimeUnit.MINUTES.toMillis(10))) {
            try (Socket client = new Socket("127.0.0.1", serve.port())) {
                OutputStream out = client.getOutputStream();
                out.write(rawRequest(photo));
                out.flush();
                awaitGauge(serve, "clearbg_tasks_running", 1);
            }
            awaitMetric(serve, "clearbg_requests_total{status=\"499\"} 1");
            assertEquals(0, gauge(serve, "clearbg_tasks_running"));
            assertEquals(budget.capacityBytes(), budget.freeBytes(), "the image's memory was given back");
            byte[] small = RemoveCommandTest.encode(RemoveCommandTest.photo(60, 40), "png");
            assertEquals(200, post(serve, small, false).statusCode(), "the one worker is free again");
        }
    }

    private static HttpResponse<String> post(ServeServer serve, byte[] photo, boolean matting) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.port() + "/api/remove"))
                        .timeout(Duration.ofMinutes(2))
                        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body(photo, matting)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static final String BOUNDARY = "clearbg-matting-test";

    /** A multipart body: {@code a=true} with matting, then the photo as {@code file}. */
    private static byte[] body(byte[] photo, boolean matting) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (matting) {
            body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\ntrue\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.png\"\r\n"
                        + "Content-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(photo);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    private static byte[] rawRequest(byte[] photo) {
        byte[] body = body(photo, true);
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /api/remove HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data;"
                        + " boundary=" + BOUNDARY + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        return request.toByteArray();
    }

    private static String metrics(ServeServer serve) throws Exception {
        return CLIENT.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.port() + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static long gauge(ServeServer serve, String name) throws Exception {
        for (String line : metrics(serve).split("\n")) {
            if (line.startsWith(name + " ")) {
                return Long.parseLong(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError("no " + name + " in /metrics");
    }

    private static void awaitGauge(ServeServer serve, String name, long value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (gauge(serve, name) != value) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(name + " never reached " + value);
            }
            Thread.sleep(20);
        }
    }

    private static void awaitMetric(ServeServer serve, String line) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!metrics(serve).contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("/metrics never showed " + line + ":\n" + metrics(serve));
            }
            Thread.sleep(50);
        }
    }
}
