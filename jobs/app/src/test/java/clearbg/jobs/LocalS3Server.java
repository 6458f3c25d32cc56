package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for tests: S3Proxy (the jar the build copies to target/tools) with a
 * filesystem backend under a temporary folder, on a free port of 127.0.0.1, with random credentials.
 * Objects of bucket B are the files under {@code dataDir()/B}. Stopped by {@link #close()}.
 */
final class LocalS3Server implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final String accessKey = "test" + UUID.randomUUID().toString().substring(0, 8);
    private final String secretKey = UUID.randomUUID().toString().replace("-", "");
    private final Path workDir;
    private final Path jar;
    private final Path properties;
    private Process process;

    LocalS3Server(Path workDir, String bucket) throws IOException, InterruptedException {
        Path jar = Paths.get(System.getProperty("clearbg.toolsDir", "target/tools"))
                .resolve("s3proxy.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: it is copied by mvn package");
        dataDir = Files.createDirectories(workDir.resolve("s3-data"));
        Files.createDirectories(dataDir.resolve(bucket));
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path properties = workDir.resolve("s3proxy.properties");
        Files.write(
                properties,
                List.of(
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + accessKey,
                        "s3proxy.credential=" + secretKey,
                        "jclouds.provider=filesystem",
                        "jclouds.filesystem.basedir=" + dataDir));
        this.workDir = workDir;
        this.jar = jar;
        this.properties = properties;
        process = launch();
    }

    /** Stops the server and starts it again on the same port with the same objects and credentials. */
    void restart() throws IOException, InterruptedException {
        close();
        process = launch();
    }

    private Process launch() throws IOException, InterruptedException {
        Process started = new ProcessBuilder("java", "-jar", jar.toString(), "--properties", properties.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        workDir.resolve("s3proxy.log").toFile()))
                .start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                return started;
            } catch (IOException notYet) {
                if (!started.isAlive()) {
                    break;
                }
                Thread.sleep(200);
            }
        }
        started.destroyForcibly().waitFor();
        throw new IOException("S3Proxy did not start; see " + workDir.resolve("s3proxy.log"));
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    String accessKey() {
        return accessKey;
    }

    String secretKey() {
        return secretKey;
    }

    Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
