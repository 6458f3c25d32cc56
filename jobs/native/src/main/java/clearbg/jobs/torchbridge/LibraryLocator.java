package clearbg.jobs.torchbridge;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Finds {@code libclearbg_torch.so} for this JVM: the file {@code -Dclearbg.native.library} names, or else the copy
 * that the build put into this module's jar, extracted once per JVM to a temporary file (deleted at exit).
 */
final class LibraryLocator {

    /** The one platform the library is built for, as {@code scripts/native-build} names it. */
    static final String PLATFORM = "linux-x86_64";

    static final String LIBRARY_RESOURCE = "/clearbg-native/" + PLATFORM + "/libclearbg_torch.so";

    /** One line written by {@code scripts/native-build}: {@code built ...} or {@code not built: REASON}. */
    static final String STATUS_RESOURCE = "/clearbg-native/build-status.txt";

    private static Path extracted;

    private LibraryLocator() {}

    /**
     * The library to load.
     *
     * @param property the value of {@link TorchBridge#LIBRARY_PROPERTY}: null for the jar's copy, {@link
     *     TorchBridge#OFF} to switch the bridge off, else a path
     * @throws Unavailable saying why there is no library to load
     */
    static Path locate(String property) throws Unavailable {
        String platform = platform();
        if (!PLATFORM.equals(platform)) {
            throw new Unavailable("it is built for " + PLATFORM + " only, and this JVM runs on " + platform);
        }
        if (property == null) {
            return extracted();
        }
        if (property.equals(TorchBridge.OFF)) {
            throw new Unavailable("switched off (-D" + TorchBridge.LIBRARY_PROPERTY + "=" + TorchBridge.OFF + ")");
        }
        Path file = Path.of(property);
        if (!Files.isRegularFile(file)) {
            throw new Unavailable("-D" + TorchBridge.LIBRARY_PROPERTY + " names " + file + ", which is not a file");
        }
        return file;
    }

    /** What the build said about the library: {@code built ...} or {@code not built: REASON}. */
    static String buildStatus() {
        try (InputStream in = LibraryLocator.class.getResourceAsStream(STATUS_RESOURCE)) {
            return in == null
                    ? "not built: this jar has no " + STATUS_RESOURCE.substring(1)
                    : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unknown: reading " + STATUS_RESOURCE.substring(1) + " failed: " + e.getMessage();
        }
    }

    private static synchronized Path extracted() throws Unavailable {
        if (extracted == null) {
            URL resource = LibraryLocator.class.getResource(LIBRARY_RESOURCE);
            if (resource == null) {
                throw new Unavailable("the jar has no " + LIBRARY_RESOURCE.substring(1) + " (" + buildStatus() + ")");
            }
            try (InputStream in = resource.openStream()) {
                Path file = Files.createTempFile("libclearbg_torch", ".so");
                file.toFile().deleteOnExit();
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                extracted = file;
            } catch (IOException e) {
                throw new Unavailable("extracting " + LIBRARY_RESOURCE.substring(1) + " failed: " + e);
            }
        }
        return extracted;
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        return (os.startsWith("linux") ? "linux" : os.replace(' ', '_'))
                + "-"
                + (arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch);
    }
}
