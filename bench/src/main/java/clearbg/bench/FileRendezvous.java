package clearbg.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Shares one string per rank among processes on one machine through a folder: each rank writes
 * {@code <name>.<rank>} (atomically, by rename) and reads everyone's. The benchmark's stand-in for Spark's
 * {@code BarrierTaskContext.allGather}; every name is used once.
 */
final class FileRendezvous {

    private static final long POLL_MILLIS = 10;

    private final Path folder;
    private final int rank;
    private final int worldSize;
    private final Duration timeout;

    FileRendezvous(Path folder, int rank, int worldSize, Duration timeout) {
        this.folder = folder;
        this.rank = rank;
        this.worldSize = worldSize;
        this.timeout = timeout;
    }

    /** Publishes {@code value} under {@code name} and returns every rank's value, indexed by rank. */
    List<String> allGather(String name, String value) throws IOException, InterruptedException {
        Path temporary = folder.resolve(name + "." + rank + ".tmp");
        Files.writeString(temporary, value, StandardCharsets.UTF_8);
        Files.move(temporary, folder.resolve(name + "." + rank), StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> values = new ArrayList<>();
        for (int other = 0; other < worldSize; other++) {
            Path file = folder.resolve(name + "." + other);
            while (!Files.exists(file)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("rank " + other + " did not publish '" + name + "' within " + timeout);
                }
                Thread.sleep(POLL_MILLIS);
            }
            values.add(Files.readString(file, StandardCharsets.UTF_8));
        }
        return values;
    }
}
