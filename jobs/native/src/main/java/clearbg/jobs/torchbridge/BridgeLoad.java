package clearbg.jobs.torchbridge;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link TorchBridge#load()} found: the bridge, or the reason there is none (the library was not built for
 * this machine, the platform is not Linux x86_64, DJL's libtorch is another version, the library failed to load, or
 * it was switched off).
 *
 * @param bridge the loaded bridge, empty when unavailable
 * @param description where the library was loaded from, or why it was not: a sentence for a log line
 */
public record BridgeLoad(Optional<TorchBridge> bridge, String description) {

    public BridgeLoad {
        Objects.requireNonNull(bridge, "bridge");
        Objects.requireNonNull(description, "description");
    }

    static BridgeLoad loaded(TorchBridge bridge, String from) {
        return new BridgeLoad(Optional.of(bridge), "native bridge loaded from " + from);
    }

    static BridgeLoad unavailable(String reason) {
        return new BridgeLoad(Optional.empty(), "native bridge unavailable: " + reason);
    }

    /** Whether the bridge loaded. */
    public boolean isLoaded() {
        return bridge.isPresent();
    }

    /**
     * The bridge.
     *
     * @throws IllegalStateException carrying {@link #description()} when it did not load
     */
    public TorchBridge require() {
        return bridge.orElseThrow(() -> new IllegalStateException(description));
    }
}
