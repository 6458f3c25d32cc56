package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the application jar with the real {@code spark-submit} (scripts/spark-submit: the pyspark package
 * that scripts/setup installs), and returns its exit code and output. Fails (never skips) when spark-submit or
 * the jar is missing: run scripts/setup first.
 */
final class SparkSubmit {

    /** One finished spark-submit. */
    record Result(int exitCode, String output) {}

    private SparkSubmit() {}

    static Path sparkSubmit() {
        Path path = Paths.get(System.getProperty("clearbg.sparkSubmit", "../../scripts/spark-submit"));
        assertTrue(Files.isExecutable(path), path + " is missing");
        Path venv = path.toAbsolutePath()
                .getParent()
                .resolveSibling(".venv")
                .resolve("bin")
                .resolve("spark-submit");
        assertTrue(Files.isExecutable(venv), venv + " is missing: run scripts/setup (it installs pyspark into .venv)");
        return path;
    }

    static Path appJar() {
        Path jar = Paths.get(System.getProperty("clearbg.appJar", "target/clearbg-app.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: integration tests run after mvn package");
        return jar;
    }

    /** Runs {@code mainClass} on {@code master} with {@code args}; kills it after {@code timeoutSeconds}. */
    static Result run(String master, String mainClass, long timeoutSeconds, Path log, String... args)
            throws IOException, InterruptedException {
        return run(master, mainClass, timeoutSeconds, log, (LocalS3Server) null, args);
    }

    /** As {@link #run(String, String, long, Path, String...)}, talking to {@code s3} when it is not null. */
    static Result run(String master, String mainClass, long timeoutSeconds, Path log, LocalS3Server s3, String... args)
            throws IOException, InterruptedException {
        return await(start(master, mainClass, log, s3, List.of(), args), mainClass, timeoutSeconds, log);
    }

    /**
     * As {@link #run(String, String, long, Path, String...)} with more spark-submit options (e.g. --driver-memory 1g).
     */
    static Result run(
            String master, String mainClass, long timeoutSeconds, Path log, List<String> submitOptions, String... args)
            throws IOException, InterruptedException {
        return await(start(master, mainClass, log, null, submitOptions, args), mainClass, timeoutSeconds, log);
    }

    private static Result await(Process process, String mainClass, long timeoutSeconds, Path log)
            throws IOException, InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("spark-submit " + mainClass + " did not finish in " + timeoutSeconds + " s; log:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Starts spark-submit without waiting (for tests that interrupt it). */
    static Process start(String master, String mainClass, Path log, LocalS3Server s3, String... args)
            throws IOException {
        return start(master, mainClass, log, s3, List.of(), args);
    }

    /** Starts spark-submit with more of its options (e.g. {@code --conf spark.speculation=true}) without waiting. */
    static Process start(
            String master, String mainClass, Path log, LocalS3Server s3, List<String> submitOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(
                sparkSubmit().toString(),
                "--master",
                master,
                "--class",
                mainClass,
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.driver.extraJavaOptions=-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1",
                appJar().toString()));
        command.addAll(command.size() - 1, submitOptions);
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("OPT_OUT_TRACKING", "true");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        if (s3 != null) {
            builder.environment().put("CLEARBG_S3_ENDPOINT", s3.endpoint());
            builder.environment().put("AWS_ACCESS_KEY_ID", s3.accessKey());
            builder.environment().put("AWS_SECRET_ACCESS_KEY", s3.secretKey());
        }
        return builder.start();
    }
}
