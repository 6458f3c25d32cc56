package clearbg.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1 for integration tests: a master and {@code workers} workers
 * of the pinned pyspark in .venv (its {@code spark-class}, as scripts/spark-submit finds it), started as
 * child processes. The master and the workers listen on ports the system chooses (read back from their
 * logs), their web UIs too; each worker has its own work folder (where its executors' stdout and stderr go),
 * the given cores and memory. {@link #start} returns once every worker has registered with the master;
 * {@link #close()} stops the workers and the master and kills any executor JVM a worker started.
 * Applications reach it with {@code spark-submit --master }{@link #masterUrl()}: the executors get the
 * settings spark-submit passes (the application jar, the S3A class path, the DJL system properties).
 */
final class LocalSparkCluster implements AutoCloseable {

    private static final Pattern MASTER_URL =
            Pattern.compile("Starting Spark master at (spark://127\\.0\\.0\\.1:\\d+)");
    private static final String REGISTERED = "Successfully registered with master";
    private static final long START_SECONDS = 120;

    private final Path dir;
    private final Path sparkHome;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> workDirs = new ArrayList<>();
    private String masterUrl;

    private LocalSparkCluster(Path dir, Path sparkHome) {
        this.dir = dir;
        this.sparkHome = sparkHome;
    }

    /**
     * Starts a master and {@code workers} workers of {@code coresPerWorker} cores and {@code memoryPerWorker}
     * (e.g. "1g") each under {@code dir}; stops whatever it started when one of them fails to come up.
     */
    static LocalSparkCluster start(Path dir, int workers, int coresPerWorker, String memoryPerWorker)
            throws IOException, InterruptedException {
        LocalSparkCluster cluster = new LocalSparkCluster(Files.createDirectories(dir), sparkHome());
        try {
            Path masterLog = dir.resolve("master.log");
            cluster.launch(
                    masterLog,
                    "org.apache.spark.deploy.master.Master",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    "0",
                    "--webui-port",
                    "0");
            cluster.masterUrl = cluster.awaitLine(masterLog, MASTER_URL, cluster.processes.get(0), "the master")
                    .group(1);
            List<Path> workerLogs = new ArrayList<>();
            for (int worker = 0; worker < workers; worker++) {
                Path workDir = Files.createDirectories(dir.resolve("worker-" + worker));
                Path log = dir.resolve("worker-" + worker + ".log");
                cluster.launch(
                        log,
                        "org.apache.spark.deploy.worker.Worker",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--webui-port",
                        "0",
                        "--cores",
                        Integer.toString(coresPerWorker),
                        "--memory",
                        memoryPerWorker,
                        "--work-dir",
                        workDir.toString(),
                        cluster.masterUrl);
                cluster.workDirs.add(workDir);
                workerLogs.add(log);
            }
            for (int worker = 0; worker < workers; worker++) {
                cluster.awaitLine(
                        workerLogs.get(worker),
                        Pattern.compile(REGISTERED),
                        cluster.processes.get(worker + 1),
                        "worker " + worker);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The master's URL, {@code spark://127.0.0.1:<port>}. */
    String masterUrl() {
        return masterUrl;
    }

    /** The live executor JVM that worker {@code worker} (0-based) runs, if any. */
    Optional<ProcessHandle> executor(int worker) {
        return processes
                .get(worker + 1)
                .descendants()
                .filter(LocalSparkCluster::isExecutor)
                .findFirst();
    }

    /**
     * The executor folders worker {@code worker} made for the application started {@code index}-th on this
     * cluster (0-based): one per executor it launched, named by executor id.
     */
    List<Path> executorFolders(int worker, int index) throws IOException {
        List<Path> applications = list(workDirs.get(worker));
        if (applications.size() <= index) {
            return List.of();
        }
        return list(applications.get(index));
    }

    /** Everything the executors of every worker printed on stdout (the jobs' own lines), folder by folder. */
    String executorOutput() throws IOException {
        StringBuilder output = new StringBuilder();
        for (Path workDir : workDirs) {
            for (Path application : list(workDir)) {
                for (Path executor : list(application)) {
                    Path stdout = executor.resolve("stdout");
                    if (Files.isRegularFile(stdout)) {
                        output.append("== ")
                                .append(dir.relativize(stdout))
                                .append('\n')
                                .append(Files.readString(stdout, StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return output.toString();
    }

    /** Stops the workers (last first), then the master, and kills every executor JVM a worker left behind. */
    @Override
    public void close() throws InterruptedException {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            for (ProcessHandle child : children) {
                child.destroyForcibly();
            }
        }
    }

    private void launch(Path log, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(sparkHome.resolve("bin").resolve("spark-class").toString(), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("SPARK_HOME", sparkHome.toString());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("SPARK_DAEMON_MEMORY", "256m");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        processes.add(builder.start());
    }

    /**
     * Waits until {@code log} has a line matching {@code pattern}; fails with the log when {@code process} ends first.
     */
    private Matcher awaitLine(Path log, Pattern pattern, Process process, String what)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_SECONDS);
        while (System.nanoTime() < deadline) {
            Matcher matcher = pattern.matcher(Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "");
            if (matcher.find()) {
                return matcher;
            }
            if (!process.isAlive()) {
                throw new IOException(what + " exited with " + process.exitValue() + " before it was up; its log:\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
        throw new IOException(what + " was not up after " + START_SECONDS + " s; its log:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The pyspark package folder in .venv, found as scripts/spark-submit finds it. */
    private static Path sparkHome() throws IOException {
        Path python = SparkSubmit.sparkSubmit()
                .toAbsolutePath()
                .getParent()
                .resolveSibling(".venv")
                .resolve("bin")
                .resolve("python");
        Process process = new ProcessBuilder(
                        python.toString(), "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (process.waitFor() != 0) {
                throw new IOException(python + " cannot import pyspark: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while asking " + python + " for pyspark", e);
        }
        return Path.of(output);
    }

    private static boolean isExecutor(ProcessHandle process) {
        return process.isAlive() && process.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend");
    }

    private static List<Path> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isDirectory).sorted().toList();
        }
    }
}
