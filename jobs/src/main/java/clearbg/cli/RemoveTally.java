package clearbg.cli;

import java.nio.file.Path;

/** Counts of one {@code clearbg remove} run. */
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

    void countDone() {
        done++;
    }

    void countSkipped() {
        skipped++;
    }

    void countFailed() {
        failed++;
    }

    int done() {
        return done;
    }

    int failed() {
        return failed;
    }

    String summary(Path out) {
        return String.format(
                "done %d, skipped %d (output exists), failed %d%s, not images %d; outputs in %s",
                done, skipped, failed, unmapped > 0 ? " (" + unmapped + " before decoding)" : "", unsupported, out);
    }
}
