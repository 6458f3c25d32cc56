package clearbg.jobs;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real MLflow tracking server for tests: {@code mlflow server} from the project's {@code .venv} (installed by
 * scripts/setup) with a sqlite backend and served artifacts under a temporary folder, on a free port of
 * 127.0.0.1, one worker. The constructor returns once {@code /health} answers; {@link #close()} stops the
 * server and every process it started.
 */
final class LocalMlflowServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final Path workDir;
    private final Path log;
    private final int port;
    private Process process;

    /**
     * Starts the server with its database, artifacts and log in {@code workDir}.
     *
     * @throws IllegalStateException when .venv has no mlflow (run scripts/setup)
     * @throws IOException when the server does not answer within three minutes (its log is named)
     */
    LocalMlflowServer(Path workDir) throws IOException, InterruptedException {
        this.workDir = workDir;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        log = workDir.resolve("mlflow-server.log");
        process = start();
    }

    /** Stops the server and starts it again on the same port with the same database and artifacts. */
    void restart() throws IOException, InterruptedException {
        close();
        process = start();
    }

    private Process start() throws IOException, InterruptedException {
        Path mlflow = ProjectFolders.venvTool("mlflow");
        ProcessBuilder builder = new ProcessBuilder(
                        mlflow.toString(),
                        "server",
                        "--backend-store-uri",
                        "sqlite:///" + workDir.resolve("mlflow.db").toAbsolutePath(),
                        "--serve-artifacts",
                        "--artifacts-destination",
                        workDir.resolve("artifacts").toAbsolutePath().toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--workers",
                        "1")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment()
                .putAll(Map.of(
                        "MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false",
                        "MLFLOW_DISABLE_TELEMETRY", "true",
                        "DO_NOT_TRACK", "true"));
        Process started = builder.start();
        try {
            awaitHealth(started);
        } catch (IOException | InterruptedException | RuntimeException e) {
            stop(started);
            throw e;
        }
        return started;
    }

    /** The tracking URI, {@code http://127.0.0.1:<port>}. */
    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Stops the server's processes: politely first, forcibly after 10 seconds. */
    @Override
    public void close() throws InterruptedException {
        stop(process);
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> tree = process.descendants().collect(Collectors.toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle handle : tree) {
            while (handle.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (handle.isAlive()) {
                handle.destroyForcibly();
            }
        }
        process.waitFor(10, TimeUnit.SECONDS);
    }

    private void awaitHealth(Process process) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest health = HttpRequest.newBuilder(uri().resolve("/health"))
                .timeout(Duration.ofSeconds(5))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (client.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IOException("the MLflow server did not answer on " + uri()
                + (process.isAlive()
                        ? " within " + START_TIMEOUT.toSeconds() + " s"
                        : " (it exited with " + process.exitValue() + ")")
                + "; see " + log);
    }
}
