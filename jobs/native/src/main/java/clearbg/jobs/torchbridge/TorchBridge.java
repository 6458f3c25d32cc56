package clearbg.jobs.torchbridge;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The native bridge to the libtorch that DJL's PyTorch engine runs on: {@code libclearbg_torch.so}, a small JNI
 * library compiled against the same torch version's headers and linked to libtorch by soname only, so that it binds
 * to the copy DJL has already loaded and the process never maps a second libtorch.
 *
 * <p>{@link #load()} starts DJL's PyTorch engine first (which loads libtorch), then the library. Where the bridge
 * cannot be had it says why, and the caller goes on without it. A bridge is stateless and may be shared by threads.
 */
public final class TorchBridge {

    /**
     * System property: the path of a {@code libclearbg_torch.so} to load instead of the jar's copy (tests, a library
     * built elsewhere), or {@link #OFF}.
     */
    public static final String LIBRARY_PROPERTY = "clearbg.native.library";

    /** The value of {@link #LIBRARY_PROPERTY} that switches the bridge off. */
    public static final String OFF = "none";

    private static final String ENGINE = "PyTorch";

    private final String torchVersion;

    private TorchBridge(String torchVersion) {
        this.torchVersion = torchVersion;
    }

    /**
     * Loads the bridge after DJL's PyTorch engine, from {@link #LIBRARY_PROPERTY} or this module's jar. Safe to call
     * again: the library is loaded once per JVM.
     *
     * @return the bridge, or why not: the library was switched off, is missing (the build could not make it: the
     *     reason is the build's), is for another platform, failed to load, or was compiled against another torch
     *     version than the libtorch DJL loaded
     */
    public static BridgeLoad load() {
        try {
            Path library = LibraryLocator.locate(System.getProperty(LIBRARY_PROPERTY));
            String engineVersion = engineVersion();
            loadLibrary(library);
            String headerVersion = TorchNative.headerVersion();
            if (!headerVersion.equals(engineVersion)) {
                throw new Unavailable(library + " was compiled against torch " + headerVersion
                        + ", but DJL runs libtorch " + engineVersion);
            }
            return BridgeLoad.loaded(new TorchBridge(headerVersion), library.toString());
        } catch (Unavailable e) {
            return BridgeLoad.unavailable(e.getMessage());
        }
    }

    /** The torch version the library was compiled against, equal to DJL's libtorch version. */
    public String torchVersion() {
        return torchVersion;
    }

    /**
     * Notifies {@code listener} with {@code i} as soon as {@code parameters.get(i)}'s gradient has been accumulated
     * in each backward pass, until the hooks are closed. See {@link GradientReadyHooks} for the contract.
     *
     * @param parameters DJL PyTorch arrays that are autograd leaves requiring a gradient (trainable parameters with
     *     {@code setRequiresGradient(true)})
     * @throws IllegalArgumentException when one is not a PyTorch array, or not a leaf requiring a gradient
     */
    public GradientReadyHooks gradientReadyHooks(List<? extends NDArray> parameters, IntConsumer listener) {
        long[] handles = new long[parameters.size()];
        for (int i = 0; i < handles.length; i++) {
            if (!(parameters.get(i) instanceof PtNDArray array)) {
                throw new IllegalArgumentException("parameter " + i + " is not a PyTorch array: " + parameters.get(i));
            }
            handles[i] = array.getHandle();
        }
        return new GradientReadyHooks(handles, listener);
    }

    private static String engineVersion() throws Unavailable {
        try {
            return Engine.getEngine(ENGINE).getVersion();
        } catch (RuntimeException | LinkageError e) {
            throw new Unavailable("DJL's PyTorch engine did not start: " + e);
        }
    }

    private static void loadLibrary(Path library) throws Unavailable {
        try {
            System.load(library.toAbsolutePath().toString());
        } catch (UnsatisfiedLinkError e) {
            throw new Unavailable("loading " + library + " failed: " + e.getMessage());
        }
    }
}
