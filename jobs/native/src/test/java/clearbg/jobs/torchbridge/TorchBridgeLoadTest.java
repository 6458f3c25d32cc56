package clearbg.jobs.torchbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchBridgeLoadTest {

    @Test
    void loadsAfterDjlWithOneLibtorchMapped() throws IOException {
        TorchBridge bridge = BuiltBridge.load();

        assertEquals(Engine.getEngine("PyTorch").getVersion(), bridge.torchVersion());
        assertEquals(1, mapped("libtorch_cpu.so").size(), "libtorch_cpu.so mapped from " + mapped("libtorch_cpu.so"));
        assertEquals(1, mapped("libc10.so").size(), "libc10.so mapped from " + mapped("libc10.so"));
        assertEquals(
                Path.of(mapped("libtorch_cpu.so").first()).getParent(),
                Path.of(mapped("libc10.so").first()).getParent(),
                "both from DJL's libtorch folder");
        assertTrue(
                mappedFiles().stream().anyMatch(path -> path.contains("libclearbg_torch")),
                "the bridge itself is mapped");
    }

    @Test
    void theBuildStatusDecidesTheOutcome() {
        String status = LibraryLocator.buildStatus();
        BridgeLoad load = TorchBridge.load();

        if (status.startsWith("built")) {
            assertTrue(load.isLoaded(), load.description());
            assertTrue(load.description().contains("libclearbg_torch"), load.description());
        } else {
            assertFalse(load.isLoaded());
            assertTrue(load.description().contains(status), load.description() + " should carry " + status);
        }
    }

    @Test
    void aMissingLibraryFileIsTheStatedReasonAndNothingElseFails(@TempDir Path dir) {
        Path missing = dir.resolve("libclearbg_torch.so");

        BridgeLoad load = withLibraryProperty(missing.toString());

        assertFalse(load.isLoaded());
        assertEquals(
                "native bridge unavailable: -Dclearbg.native.library names " + missing + ", which is not a file",
                load.description());
        IllegalStateException e = assertThrows(IllegalStateException.class, load::require);
        assertEquals(load.description(), e.getMessage());
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                NDArray x = manager.create(new float[] {1, 2, 3})) {
            assertEquals(6f, x.sum().getFloat(), "DJL goes on as without the bridge");
        }
    }

    @Test
    void theBridgeCanBeSwitchedOff() {
        BridgeLoad load = withLibraryProperty(TorchBridge.OFF);

        assertFalse(load.isLoaded());
        assertEquals("native bridge unavailable: switched off (-Dclearbg.native.library=none)", load.description());
    }

    @Test
    void aFileThatIsNoLibraryIsALoadError(@TempDir Path dir) throws IOException {
        Path notALibrary = Files.writeString(dir.resolve("libclearbg_torch.so"), "not an ELF file");

        BridgeLoad load = withLibraryProperty(notALibrary.toString());

        assertFalse(load.isLoaded());
        assertTrue(
                load.description().startsWith("native bridge unavailable: loading " + notALibrary + " failed: "),
                load.description());
    }

    private static BridgeLoad withLibraryProperty(String value) {
        String before = System.getProperty(TorchBridge.LIBRARY_PROPERTY);
        System.setProperty(TorchBridge.LIBRARY_PROPERTY, value);
        try {
            return TorchBridge.load();
        } finally {
            if (before == null) {
                System.clearProperty(TorchBridge.LIBRARY_PROPERTY);
            } else {
                System.setProperty(TorchBridge.LIBRARY_PROPERTY, before);
            }
        }
    }

    /** The distinct paths of the mapped files named {@code fileName}. */
    private static TreeSet<String> mapped(String fileName) throws IOException {
        TreeSet<String> paths = new TreeSet<>();
        for (String path : mappedFiles()) {
            if (Path.of(path).getFileName().toString().equals(fileName)) {
                paths.add(path);
            }
        }
        return paths;
    }

    /** The paths of all files this process maps, from /proc/self/maps. */
    private static Set<String> mappedFiles() throws IOException {
        Set<String> paths = new TreeSet<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] fields = line.trim().split("\\s+", 6);
            if (fields.length == 6 && fields[5].startsWith("/")) {
                paths.add(fields[5]);
            }
        }
        return paths;
    }
}
