package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.resource.ResourceUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;

/**
 * conf/gpu-discovery.sh, run by bash with a stand-in {@code nvidia-smi} (a shell script printing what the real
 * one prints for {@code --query-gpu=index --format=csv,noheader}, and failing on any other arguments) first on
 * PATH, or with none: its JSON as Spark parses it, Spark's own executor resource discovery running it, the
 * CUDA_VISIBLE_DEVICES renumbering, and the messages when nvidia-smi is missing or fails.
 */
class GpuDiscoveryScriptTest {

    private static final Path SCRIPT = Paths.get(
                    System.getProperty("clearbg.confDir", "../../conf"), "gpu-discovery.sh")
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path dir;

    /** The script's exit code, standard output and standard error. */
    private record Run(int exitCode, String out, String err) {}

    @Test
    void printsTheGpusNvidiaSmiListsAsSparkResourceJson() throws Exception {
        Path bin = fakeNvidiaSmi("0\n1\n2\n", 0);
        Run run = run(bin, Map.of());
        assertEquals(0, run.exitCode(), run.err());
        ResourceInformation gpus = ResourceInformation.parseJson(run.out());
        assertEquals("gpu", gpus.name());
        assertArrayEquals(new String[] {"0", "1", "2"}, gpus.addresses());
    }

    @Test
    void sparkDiscoversTheExecutorsGpusThroughTheScript() throws Exception {
        Path bin = fakeNvidiaSmi("0\n1\n", 0);
        Path wrapper = executable(
                dir.resolve("discover.sh"),
                "#!" + bash() + "\nPATH='" + bin + "':\"$PATH\" exec '" + bash() + "' '" + SCRIPT + "'\n");
        SparkConf conf = new SparkConf(false)
                .set("spark.executor.resource.gpu.amount", "2")
                .set("spark.executor.resource.gpu.discoveryScript", wrapper.toString());
        scala.collection.immutable.Map<String, ResourceInformation> found =
                ResourceUtils.getOrDiscoverAllResources(conf, "spark.executor", Option.empty());
        assertArrayEquals(new String[] {"0", "1"}, found.apply("gpu").addresses());
    }

    @Test
    void cudaVisibleDevicesRenumbersTheListedGpusAndRefusesUnknownOnes() throws Exception {
        Path bin = fakeNvidiaSmi("0\n1\n2\n3\n", 0);
        Run two = run(bin, Map.of("CUDA_VISIBLE_DEVICES", "2,3"));
        assertEquals(0, two.exitCode(), two.err());
        assertArrayEquals(
                new String[] {"0", "1"},
                ResourceInformation.parseJson(two.out()).addresses());

        Run unknown = run(bin, Map.of("CUDA_VISIBLE_DEVICES", "1,7"));
        assertEquals(1, unknown.exitCode(), unknown.out());
        assertTrue(unknown.err().contains("lists GPU 7, but nvidia-smi lists only 0 1 2 3"), unknown.err());
        assertEquals("", unknown.out());

        Run none = run(bin, Map.of("CUDA_VISIBLE_DEVICES", ""));
        assertEquals(1, none.exitCode(), none.out());
        assertTrue(none.err().contains("CUDA_VISIBLE_DEVICES is set but empty"), none.err());
    }

    @Test
    void withoutNvidiaSmiOnPathItFailsWithAClearMessage() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty-bin"));
        Run run = run(empty, Map.of());
        assertEquals(1, run.exitCode(), run.out());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("gpu-discovery: nvidia-smi is not on PATH (" + empty + ")"), run.err());
        assertTrue(run.err().contains("install the NVIDIA driver"), run.err());
    }

    @Test
    void aFailingNvidiaSmiOrOneWithoutGpusIsReportedWithItsOutput() throws Exception {
        Run driverless = run(
                fakeNvidiaSmi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n", 9),
                Map.of());
        assertEquals(1, driverless.exitCode(), driverless.out());
        assertTrue(
                driverless
                        .err()
                        .contains("nvidia-smi --query-gpu=index failed: NVIDIA-SMI has failed because it couldn't "
                                + "communicate with the NVIDIA driver."),
                driverless.err());

        Run noGpu = run(fakeNvidiaSmi("", 0), Map.of());
        assertEquals(1, noGpu.exitCode(), noGpu.out());
        assertTrue(noGpu.err().contains("nvidia-smi lists no GPU on this node"), noGpu.err());
    }

    /** A folder holding only an {@code nvidia-smi} that prints {@code output} and exits with {@code exitCode}. */
    private Path fakeNvidiaSmi(String output, int exitCode) throws IOException {
        Path bin = Files.createTempDirectory(dir, "bin");
        Files.writeString(bin.resolve("output.txt"), output);
        executable(
                bin.resolve("nvidia-smi"),
                "#!" + bash() + "\n"
                        + "[[ \"$*\" == '--query-gpu=index --format=csv,noheader' ]] || { echo"
                        + " \"unexpected arguments: $*\" >&2; exit 64; }\n"
                        + "while IFS= read -r line; do echo \"$line\"; done < '" + bin.resolve("output.txt") + "'\n"
                        + "exit " + exitCode + "\n");
        return bin;
    }

    private static Path executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    /** Runs the script with bash, PATH set to {@code path} alone (so nothing but bash built-ins and what is there). */
    private Run run(Path path, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(bash(), SCRIPT.toString());
        builder.environment().remove("CUDA_VISIBLE_DEVICES");
        builder.environment().put("PATH", path.toString());
        builder.environment().putAll(environment);
        builder.redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        Process process = builder.start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "gpu-discovery.sh did not finish");
        return new Run(
                process.exitValue(),
                Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    /** bash from this JVM's PATH (the script's PATH is replaced in the tests). */
    private static String bash() {
        return Arrays.stream(
                        System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .map(folder -> Paths.get(folder, "bash"))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new AssertionError("bash is not on PATH"))
                .toString();
    }
}
