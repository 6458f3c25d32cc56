package clearbg.cli;

import java.nio.file.Path;

/** Counts of one {@code clearbg remove} run; thread-safe (the workers count into one tally). */
final class RemoveTally {

    private final int unmapped;
    private final int unsupported;
    private int done;
    private int skipped;
    private int failed;

    /**
     * @param unmapped inputs that could not become tasks (missing, conflicting)
     * @param unsupported files in input folders without an image extension
     */
    RemoveTally(int unmapped, int unsupported) {
        this.unmapped = unmapped;
        this.unsupported = unsupported;
        this.failed = unmapped;
    }

    synchronized void countDone() {
        done++;
    }

    synchronized void countSkipped() {
        skipped++;
    }

    synchronized void countFailed() {
        failed++;
    }

    synchronized int done() {
        return done;
    }

    synchronized int failed() {
        return failed;
    }

    synchronized String summary(Path out) {
        return String.format(
                "done %d, skipped %d (output exists), failed %d%s, not images %d; outputs in %s",
                done, skipped, failed, unmapped > 0 ? " (" + unmapped + " before decoding)" : "", unsupported, out);
    }
}
