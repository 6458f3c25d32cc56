package clearbg.jobs.torchbridge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;

/**
 * The bridge for tests that need it. Where the build made the library ({@code clearbg-native/build-status.txt} says
 * {@code built}) it must load, or the test fails; where the build could not make it, such tests are skipped with
 * the build's reason, unless {@code -Dclearbg.native.required=true} makes that a failure too.
 */
final class BuiltBridge {

    private BuiltBridge() {}

    static TorchBridge load() {
        String status = LibraryLocator.buildStatus();
        if (!status.startsWith("built") && !Boolean.getBoolean("clearbg.native.required")) {
            Assumptions.abort("the build did not make the native library: " + status);
        }
        BridgeLoad load = TorchBridge.load();
        assertTrue(load.isLoaded(), load.description());
        return load.require();
    }
}
