package clearbg.jobs.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The skip rule: only a done (or carried-forward) record equal in version, weights, settings and outputs skips. */
class PriorRecordTest {

    private static final List<String> OUTPUTS = List.of("a.png", "a.mask.png");
    private static final String VERSION = InputVersion.of(null, 100, 5_000);

    private static PriorRecord record(String outcome, String version, String weights, String settings) {
        return new PriorRecord("r1", outcome, version, weights, settings, OUTPUTS, List.of("s1", "s2"));
    }

    private static Optional<String> redo(PriorRecord prior) {
        return PriorRecord.redoReason(prior, VERSION, "w", "f", OUTPUTS);
    }

    @Test
    void aMatchingDoneOrCarriedRecordSkips() {
        assertEquals(Optional.empty(), redo(record("done", VERSION, "w", "f")));
        assertEquals(Optional.empty(), redo(record("skipped", VERSION, "w", "f")));
    }

    @Test
    void anythingElseRedoesWithItsReason() {
        assertEquals(Optional.of("no record of an earlier run"), redo(null));
        assertTrue(redo(record("failed", VERSION, "w", "f")).orElseThrow().contains("is failed"));
        assertEquals(Optional.of("the weights changed"), redo(record("done", VERSION, "w2", "f")));
        assertEquals(Optional.of("the settings changed"), redo(record("done", VERSION, "w", "f2")));
        assertEquals(
                Optional.of("the outputs changed"),
                PriorRecord.redoReason(record("done", VERSION, "w", "f"), VERSION, "w", "f", List.of("a.png")));
    }

    @Test
    void versionEqualityDecidesNotTime() {
        String older = InputVersion.of(null, 100, 4_000);
        String newer = InputVersion.of(null, 100, 6_000);
        assertTrue(redo(record("done", older, "w", "f")).orElseThrow().startsWith("the input changed"));
        assertTrue(redo(record("done", newer, "w", "f")).orElseThrow().startsWith("the input changed"));
        assertEquals(
                Optional.empty(),
                PriorRecord.redoReason(
                        record("done", InputVersion.of("\"e1\"", 1, 1), "w", "f"),
                        InputVersion.of("\"e1\"", 1, 9),
                        "w",
                        "f",
                        OUTPUTS),
                "an ETag decides alone where the store has one");
    }
}
