package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.cli.serve.ServeServer;
import clearbg.cli.serve.ServeSettings;
import clearbg.cli.serve.ServedModel;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.ImageDecoder;
import clearbg.model.matting.AlphaMatting;
import clearbg.model.nn.Arch;
import clearbg.model.predict.EngineChoice;
import clearbg.model.predict.FusedMapNetwork;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.MaskPostProcess;
import clearbg.model.predict.NetworkLoader;
import clearbg.model.predict.Precision;
import clearbg.model.predict.Predictor;
import clearbg.model.predict.PredictorSettings;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clearbg serve}'s HTTP API driven by a real HTTP client against the server on a free port. */
class ServeServerTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final long MAX_BODY = 1 << 20;
    /** The access log of the shared server. */
    private static final Queue<String> ACCESS_LOG = new ConcurrentLinkedQueue<>();
    /** Alpha matting's limits in the tests that do not test them. */
    static final ServeSettings.MattingLimits MATTING = new ServeSettings.MattingLimits(4_000_000, 60_000);

    @TempDir
    static Path shared;

    private static Path weights;
    private static FusedMapNetwork network;
    private static ServeServer server;

    @BeforeAll
    static void start() throws IOException {
        weights = shared.resolve("u2netp.safetensors");
        assertEquals(
                0,
                CliRun.of("init", "--arch", "u2netp", "--seed", "5", weights.toString())
                        .exitCode());
        network = NetworkLoader.open(
                weights, null, 320, EngineChoice.onThisMachine(InferenceEngine.ONNXRUNTIME, Precision.FP32), 1);
        server = new ServeServer(
                List.of(
                        new ServedModel("u2netp", new Predictor(network, new PredictorSettings(320, 4)), "test"),
                        new ServedModel(
                                "flat",
                                new Predictor(new ServeHardeningTest.FlatNetwork(), new PredictorSettings(32, 1)),
                                "0")),
                DecodeLimits.ofMaxPixels(4_000_000),
                new ServeSettings("127.0.0.1", 0, 2, 16, 4, 5, MAX_BODY, MATTING),
                ACCESS_LOG::add);
    }

    @AfterAll
    static void stop() {
        server.close();
        network.close();
    }

    @Test
    void maskOnlyEqualsTheMaskOfClearbgRemove(@TempDir Path dir) throws Exception {
        byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(150, 110), "png");
        Files.createDirectories(dir.resolve("in"));
        Files.write(dir.resolve("in/p.png"), photo);
        CliRun remove = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                dir.resolve("in").toString(),
                "--out",
                dir.resolve("out").toString(),
                "--mask-only",
                "--engine",
                "onnxruntime");
        assertEquals(0, remove.exitCode(), remove.err());
        HttpResponse<byte[]> answer = post(photo, Map.of("om", "true"));
        assertEquals(200, answer.statusCode(), text(answer));
        assertEquals("image/png", answer.headers().firstValue("Content-Type").orElseThrow());
        BufferedImage served = ImageIO.read(new ByteArrayInputStream(answer.body()));
        BufferedImage written = ImageIO.read(dir.resolve("out/p.png").toFile());
        assertEquals(written.getWidth(), served.getWidth());
        assertEquals(written.getHeight(), served.getHeight());
        assertArrayEquals(RemoveCommandTest.grey(written), RemoveCommandTest.grey(served));
    }

    @Test
    void aRequestPicksItsModelByNameAndAnUnknownNameIsRefused() throws Exception {
        byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(64, 48), "png");
        byte[] byDefault = RemoveCommandTest.grey(ImageIO.read(
                new ByteArrayInputStream(post(photo, Map.of("om", "true")).body())));
        byte[] named = RemoveCommandTest.grey(ImageIO.read(new ByteArrayInputStream(
                post(photo, Map.of("om", "true", "model", "u2netp")).body())));
        assertArrayEquals(byDefault, named, "the first model is the default");
        byte[] flat = RemoveCommandTest.grey(ImageIO.read(new ByteArrayInputStream(
                post(photo, Map.of("om", "true", "model", "flat")).body())));
        assertArrayEquals(new byte[flat.length], flat, "the flat network's constant map: an empty mask");
        assertTrue(!java.util.Arrays.equals(byDefault, flat), "the two models answer differently");
        assertAnswer(400, "it serves [u2netp, flat]", post(photo, Map.of("model", "isnet-general-use")));
        HttpResponse<String> health =
                CLIENT.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(health.body().contains("\"models\":{\"u2netp\":\"test\",\"flat\":\"0\"}"), health.body());
    }

    @Test
    void cutOutCompositeAndPostProcessedMask() throws Exception {
        byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(120, 90), "jpg");
        BufferedImage mask = ImageIO.read(
                new ByteArrayInputStream(post(photo, Map.of("om", "1")).body()));
        BufferedImage cutout =
                ImageIO.read(new ByteArrayInputStream(post(photo, Map.of()).body()));
        assertTrue(cutout.getColorModel().hasAlpha(), "a cut-out has an alpha channel");
        assertEquals(
                mask.getRaster().getSample(60, 45, 0), cutout.getAlphaRaster().getSample(60, 45, 0));
        BufferedImage composite = ImageIO.read(new ByteArrayInputStream(
                post(photo, Map.of("bgc", "255,0,0,255")).body()));
        assertEquals(cutout.getWidth(), composite.getWidth());
        assertTrue(!composite.getColorModel().hasAlpha()
                || composite.getAlphaRaster().getSample(0, 0, 0) == 255);
        BufferedImage smoothed = ImageIO.read(new ByteArrayInputStream(
                post(photo, Map.of("om", "true", "ppm", "true")).body()));
        byte[] served = RemoveCommandTest.grey(smoothed);
        for (byte value : served) {
            assertTrue(value == 0 || value == (byte) 255, "post-processed masks are binary");
        }
        MaskImage expected =
                MaskPostProcess.apply(new MaskImage(mask.getWidth(), mask.getHeight(), RemoveCommandTest.grey(mask)));
        assertArrayEquals(expected.values(), served);
    }

    @Test
    void alphaMattingRefinesTheCutOutAsRembgDoes() throws Exception {
        byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(90, 70), "png");
        BufferedImage mask = ImageIO.read(
                new ByteArrayInputStream(post(photo, Map.of("om", "true")).body()));
        HttpResponse<byte[]> answer = post(photo, Map.of("a", "true", "af", "200", "ab", "40", "ae", "3"));
        assertEquals(200, answer.statusCode(), text(answer));
        BufferedImage matted = ImageIO.read(new ByteArrayInputStream(answer.body()));
        AlphaMatting.Cutout expected = new AlphaMatting(200, 40, 3)
                .apply(new ImageDecoder().decode(photo, "photo.png"), RemoveCommandTest.grey(mask));
        byte[] alpha = new byte[90 * 70];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = (byte) matted.getAlphaRaster().getSample(i % 90, i / 90, 0);
        }
        assertArrayEquals(expected.alpha(), alpha);
        BufferedImage maskWithA = ImageIO.read(new ByteArrayInputStream(
                post(photo, Map.of("om", "true", "a", "true")).body()));
        assertArrayEquals(RemoveCommandTest.grey(mask), RemoveCommandTest.grey(maskWithA), "om ignores a, as in rembg");
    }

    @Test
    void errorsHaveTheirStatusAndSayWhy() throws Exception {
        byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(40, 40), "png");
        assertAnswer(400, "url", post(photo, Map.of("url", "http://example.invalid/a.jpg")));
        assertAnswer(
                400,
                "url",
                CLIENT.send(
                        HttpRequest.newBuilder(uri("/api/remove?url=http://example.invalid/a.jpg"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
        assertAnswer(400, "bgc", post(photo, Map.of("bgc", "300,0,0")));
        assertAnswer(400, "om", post(photo, Map.of("om", "maybe")));
        assertAnswer(400, "af", post(photo, Map.of("a", "true", "af", "300")));
        assertAnswer(400, "ae", post(photo, Map.of("a", "true", "ae", "x")));
        assertAnswer(422, "not an image", post("plain text".getBytes(StandardCharsets.UTF_8), Map.of()));
        assertAnswer(413, "over the limit", post(new byte[(int) MAX_BODY + 10], Map.of()));
        assertAnswer(
                400,
                "multipart",
                CLIENT.send(
                        HttpRequest.newBuilder(uri("/api/remove"))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(photo))
                                .header("Content-Type", "image/png")
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray()));
        HttpResponse<String> metrics =
                CLIENT.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(metrics.body().contains("clearbg_requests_total{status=\"413\"}"), metrics.body());
        assertTrue(metrics.body().contains("clearbg_request_seconds_bucket{le=\"+Inf\"}"), metrics.body());
        String log = String.join("\n", ACCESS_LOG);
        assertTrue(
                ACCESS_LOG.stream()
                        .anyMatch(line -> line.contains(" POST /api/remove 422 ") && line.contains("not an image")),
                "one access-log line per request, with the reason of an error:\n" + log);
        assertTrue(ACCESS_LOG.stream().noneMatch(line -> line.contains("example.invalid")), "no query string:\n" + log);
        HttpResponse<String> health =
                CLIENT.send(HttpRequest.newBuilder(uri("/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertTrue(health.body().contains("\"status\":\"ok\""), health.body());
        HttpResponse<String> page =
                CLIENT.send(HttpRequest.newBuilder(uri("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(page.body().contains("api/remove"), "the page calls the API");
    }

    /** A network that holds every pass until released, so that the queue fills deterministically. */
    private static final class HeldNetwork implements FusedMapNetwork {
        @Override
        public Arch arch() {
            return Arch.U2NETP;
        }

        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        @Override
        public float[] fusedMaps(float[] input, int batch, int side) {
            entered.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new float[batch * side * side];
        }

        @Override
        public void close() {
            release.countDown();
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfter() throws Exception {
        HeldNetwork held = new HeldNetwork();
        try (ServeServer busy = new ServeServer(
                List.of(new ServedModel("held", new Predictor(held, new PredictorSettings(32, 1)), "held")),
                DecodeLimits.defaults(),
                new ServeSettings("127.0.0.1", 0, 1, 1, 1, 0, MAX_BODY, MATTING),
                line -> {})) {
            byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(40, 40), "png");
            CompletableFuture<HttpResponse<byte[]>> inPass = postAsync(busy.port(), photo);
            assertTrue(held.entered.await(30, TimeUnit.SECONDS), "the first request reached the network");
            CompletableFuture<HttpResponse<byte[]>> waiting = postAsync(busy.port(), photo);
            awaitQueued(busy.port(), 1, waiting);
            HttpResponse<byte[]> refused = postAsync(busy.port(), photo).get(30, TimeUnit.SECONDS);
            assertAnswer(503, "queue is full", refused);
            assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());
            held.release.countDown();
            assertEquals(200, inPass.get(30, TimeUnit.SECONDS).statusCode());
            assertEquals(200, waiting.get(30, TimeUnit.SECONDS).statusCode());
        }
    }

    /** Waits until {@code /health} shows {@code queued} images waiting and {@code pending} is in flight. */
    private static void awaitQueued(int port, int queued, CompletableFuture<?> pending) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String health = CLIENT.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            if (health.contains("\"queued\":" + queued) && !pending.isDone()) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the queue never held " + queued + " images");
    }

    private static void assertAnswer(int status, String reason, HttpResponse<byte[]> answer) {
        assertEquals(status, answer.statusCode(), text(answer));
        assertTrue(text(answer).contains(reason), text(answer));
    }

    private static String text(HttpResponse<byte[]> answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static HttpResponse<byte[]> post(byte[] file, Map<String, String> fields) throws Exception {
        return CLIENT.send(request(server.port(), file, fields), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static CompletableFuture<HttpResponse<byte[]>> postAsync(int port, byte[] file) throws IOException {
        return CLIENT.sendAsync(request(port, file, Map.of()), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A multipart/form-data request with the fields first, then the file as {@code file}. */
    private static HttpRequest request(int port, byte[] file, Map<String, String> fields) throws IOException {
        String boundary = "clearbg-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : new LinkedHashMap<>(fields).entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey() + "\"\r\n\r\n"
                            + field.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n"
                        + "Content-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(file);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/remove"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
    }
}
