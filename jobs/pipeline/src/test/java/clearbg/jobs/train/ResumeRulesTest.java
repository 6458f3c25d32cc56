package clearbg.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.nn.Arch;
import clearbg.model.optim.AdamSettings;
import clearbg.model.train.BatchNormMode;
import clearbg.model.transform.FlipMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The resume rules, one key at a time: which training parameters may change on resume, which only when named in
 * {@code --allow-changed-params}, which never; and a resume with another number of workers, which keeps the
 * checkpoint's global batch.
 */
class ResumeRulesTest {

    /** Every key of the params JSON that is not one of {@link ResumeCheck#KEYS}: these change freely. */
    private static final List<String> FREE_KEYS = List.of(
            "workers",
            "batch",
            "epochs",
            "max_steps",
            "checkpoint_interval",
            "eval_interval",
            "early_stopping",
            "log_interval");

    @Test
    void everyTrainingParameterIsRefusedUnlessNamedAndTheFixedOnesCannotBeNamed() {
        for (String key : ResumeCheck.KEYS) {
            String before = ParamsJson.of(Map.of(key, "1"));
            String after = ParamsJson.of(Map.of(key, "2"));
            IllegalArgumentException refused = assertThrows(
                    IllegalArgumentException.class, () -> ResumeCheck.require(before, after, Set.of(), "ck"), key);
            assertTrue(refused.getMessage().contains(key + " 1 -> 2"), refused.getMessage());
            if (ResumeCheck.FIXED.contains(key)) {
                IllegalArgumentException notAllowable = assertThrows(
                        IllegalArgumentException.class, () -> ResumeCheck.requireAllowable(Set.of(key)), key);
                assertTrue(notAllowable.getMessage().contains(key + " cannot change on resume"), key);
                assertThrows(IllegalArgumentException.class, () -> policy(Set.of(key)), key);
            } else {
                ResumeCheck.requireAllowable(Set.of(key));
                ResumeCheck.require(before, after, policy(Set.of(key)).allowedChanges(), "ck");
            }
        }
        assertEquals(Set.of("arch", "global_batch", "seed"), ResumeCheck.FIXED);
    }

    @Test
    void theOtherParametersChangeFreelyAndUnknownNamesAreRefused() {
        for (String key : FREE_KEYS) {
            ResumeCheck.require(ParamsJson.of(Map.of(key, "1")), ParamsJson.of(Map.of(key, "2")), Set.of(), "ck");
        }
        IllegalArgumentException unknown =
                assertThrows(IllegalArgumentException.class, () -> policy(Set.of("learning_rate")));
        assertTrue(unknown.getMessage().contains("learning_rate is not a training parameter"), unknown.getMessage());
    }

    @Test
    void aResumeWithOtherWorkersKeepsTheGlobalBatch() {
        CheckpointInfo twoByThree = checkpoint(2, 3);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);

        TrainSettings sameWorkers = settings(2, 5);
        assertSame(sameWorkers, ElasticResume.settings(sameWorkers, twoByThree, out), "same workers: as given");

        TrainSettings one = ElasticResume.settings(settings(1, 3), twoByThree, out);
        assertEquals(6, one.batch());
        assertEquals(6, one.batch() * one.workers());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("2 workers x batch 3) with 1 workers x batch 6"));

        TrainSettings three = ElasticResume.settings(settings(3, 3), twoByThree, out);
        assertEquals(2, three.batch());
        assertEquals("6", three.asParams().get("global_batch"));

        IllegalArgumentException four = assertThrows(
                IllegalArgumentException.class, () -> ElasticResume.settings(settings(4, 3), twoByThree, out));
        assertTrue(
                four.getMessage().contains("2 workers x batch 3 (global batch 6); 4 workers cannot share"),
                four.getMessage());
    }

    private static CheckpointPolicy policy(Set<String> allowed) {
        return new CheckpointPolicy("file:/tmp/never-written", 10, 2, true, null, allowed);
    }

    private static TrainSettings settings(int workers, int batch) {
        return new TrainSettings(
                new TrainRecipe(Arch.U2NETP, 1, 10, batch, 40, 32, FlipMode.VERTICAL, BatchNormMode.FROZEN, 1, null),
                new AdamSettings(1e-3, 0.9, 0.999, 1e-8, 0),
                new TrainData("file:/tmp/table", List.of("DUTS-TR"), null, 0, 0),
                policy(Set.of()),
                workers,
                "file:/tmp/run",
                10,
                10,
                0,
                0);
    }

    private static CheckpointInfo checkpoint(int workers, int batch) {
        return new CheckpointInfo(Arch.U2NETP, 7, 0, 7, 1, workers, batch, "{}", "", List.of());
    }
}
