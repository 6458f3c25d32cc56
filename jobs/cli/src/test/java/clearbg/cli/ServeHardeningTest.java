package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.cli.serve.ServeServer;
import clearbg.cli.serve.ServeSettings;
import clearbg.cli.serve.ServedModel;
import clearbg.model.image.DecodeLimits;
import clearbg.model.nn.Arch;
import clearbg.model.predict.FusedMapNetwork;
import clearbg.model.predict.Predictor;
import clearbg.model.predict.PredictorSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code clearbg serve} under hostile clients, on 127.0.0.1: slow senders cannot hold the threads, malformed
 * multipart bodies are answered 400 with the reason and counted, and a loopback-bound server refuses requests
 * addressed to another host or sent by another web page.
 */
class ServeHardeningTest {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** More slow senders than Jetty has threads (250 by default). */
    private static final int SLOW_SENDERS = 300;

    private static ServeServer server;

    /** A network that maps every image to a constant: the tests here are about HTTP, not masks. */
    static final class FlatNetwork implements FusedMapNetwork {
        @Override
        public Arch arch() {
            return Arch.U2NETP;
        }

        @Override
        public float[] fusedMaps(float[] input, int batch, int side) {
            return new float[batch * side * side];
        }

        @Override
        public void close() {}
    }

    @BeforeAll
    static void start() {
        server = new ServeServer(
                List.of(new ServedModel(
                        "flat", new Predictor(new FlatNetwork(), new PredictorSettings(32, 1)), "flat")),
                DecodeLimits.ofMaxPixels(1_000_000),
                new ServeSettings(
                        "127.0.0.1", 0, 2, 8, 1, 0, 1 << 20, new ServeSettings.MattingLimits(100_000, 10_000)),
                line -> {});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void slowSendersAreCutOffWhileHealthStillAnswers() throws Exception {
        List<SocketChannel> slow = new ArrayList<>();
        try {
            byte[] head = ("POST /api/remove HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data;"
                            + " boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < SLOW_SENDERS; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                channel.write(ByteBuffer.wrap(head));
                channel.configureBlocking(false);
                slow.add(channel);
            }
            int healthy = 0;
            for (int second = 0; second < 8; second++) {
                Thread.sleep(1000);
                for (SocketChannel channel : slow) {
                    try {
                        channel.write(ByteBuffer.wrap(new byte[] {'x'})); // one byte a second
                    } catch (IOException closed) {
                        // the server cut it off
                    }
                }
                if (second >= 3) {
                    HttpResponse<String> health = CLIENT.send(
                            HttpRequest.newBuilder(uri("/health"))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, health.statusCode());
                    healthy++;
                }
            }
            assertEquals(5, healthy);
            int cutOff = 0;
            String other = "";
            for (SocketChannel channel : slow) {
                String answer = answered(channel);
                if (answer.startsWith("HTTP/1.1 408")) {
                    cutOff++;
                } else {
                    other = answer;
                }
            }
            assertEquals(SLOW_SENDERS, cutOff, "every slow sender was answered 408 Request Timeout; one got: " + other);
        } finally {
            for (SocketChannel channel : slow) {
                channel.close();
            }
        }
    }

    @Test
    void malformedMultipartBodiesAreAnswered400AndCounted() throws Exception {
        byte[] photo = RemoveCommandTest.encode(RemoveCommandTest.photo(40, 30), "png");
        String part = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.png\"\r\n\r\n";
        List<byte[]> bodies = List.of(
                concat(part.getBytes(StandardCharsets.US_ASCII), photo), // no closing boundary
                concat("--other\r\n".getBytes(StandardCharsets.US_ASCII), photo), // a boundary of another body
                "no boundary at all".getBytes(StandardCharsets.US_ASCII));
        for (byte[] body : bodies) {
            HttpResponse<String> answer = CLIENT.send(
                    HttpRequest.newBuilder(uri("/api/remove"))
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "multipart/form-data; boundary=b")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, answer.statusCode(), answer.body());
            assertTrue(answer.body().startsWith("malformed multipart/form-data body: "), answer.body());
        }
        String metrics = CLIENT.send(
                        HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertTrue(metrics.contains("clearbg_requests_total{status=\"400\"} 3"), metrics);
        assertTrue(!metrics.contains("status=\"500\""), metrics);
    }

    @Test
    void aLoopbackServerRefusesOtherHostsAndOtherPagesOrigins() throws Exception {
        String port = Integer.toString(server.port());
        assertTrue(raw("Host: evil.example\r\n").startsWith("HTTP/1.1 403"), "DNS rebinding: another Host");
        assertTrue(raw("Host: 127.0.0.1:" + port + "\r\nOrigin: http://evil.example\r\n")
                .startsWith("HTTP/1.1 403"));
        assertTrue(raw("Host: localhost:" + port + "\r\n").startsWith("HTTP/1.1 200"));
        assertTrue(raw("Host: 127.0.0.1:" + port + "\r\nOrigin: http://127.0.0.1:" + port + "\r\n")
                .startsWith("HTTP/1.1 200"));
        assertTrue(raw("Host: [::1]:" + port + "\r\n").startsWith("HTTP/1.1 200"));
    }

    /** The status line and headers of {@code GET /health} sent with {@code headers}. */
    private static String raw(String headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /health HTTP/1.1\r\n" + headers + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** What the server sent on {@code channel} (waiting up to 10 s for the first bytes). */
    private static String answered(SocketChannel channel) throws IOException {
        channel.configureBlocking(true);
        channel.socket().setSoTimeout(10_000);
        InputStream in = channel.socket().getInputStream();
        byte[] first = new byte[64];
        int read;
        try {
            read = in.read(first);
        } catch (IOException reset) {
            return "";
        }
        return read <= 0 ? "" : new String(first, 0, read, StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
