package clearbg.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.jobs.files.LocalFileStore;
import clearbg.model.nn.Arch;
import clearbg.model.train.BatchNormMode;
import clearbg.model.transform.FlipMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarlyStoppingTest {

    @Test
    void stopsAfterPatienceEvaluationsWithoutABetterMaxF() {
        EarlyStopping state = EarlyStopping.initial().after(0.80, 100);
        assertTrue(state.bestAt(100));
        state = state.after(0.79, 200).after(0.80, 300); // equal is not better
        assertFalse(state.bestAt(300));
        assertFalse(state.stops(3));
        state = state.after(Double.NaN, 400);
        assertTrue(state.stops(3));
        assertEquals(100, state.bestStep());
        EarlyStopping better = state.after(0.81, 500);
        assertTrue(better.bestAt(500) && !better.stops(1));
    }

    @Test
    void theStateSurvivesAResume(@TempDir Path dir) throws Exception {
        LocalFileStore files = new LocalFileStore();
        String folder = dir.toUri().toString();
        assertEquals(EarlyStopping.initial(), EarlyStopping.read(files, folder));
        EarlyStopping state = EarlyStopping.initial().after(0.5, 10).after(0.4, 20);
        state.write(files, folder);
        assertEquals(state, EarlyStopping.read(files, folder));
        EarlyStopping.initial().write(files, folder);
        assertEquals(EarlyStopping.initial(), EarlyStopping.read(files, folder));
    }

    @Test
    void earlyStoppingNeedsPeriodicEvaluationsAndSupervisionIsForIsNet() {
        assertThrows(IllegalArgumentException.class, () -> new TrainData("t", List.of("DUTS-TR"), null, 0, 20));
        assertThrows(IllegalArgumentException.class, () -> new TrainData("t", List.of("DUTS-TR"), "DUTS-TE", 0, 20));
        assertEquals(20, new TrainData("t", List.of("DUTS-TR"), "DUTS-TE", 1, 20).earlyStopping());
        assertThrows(
                IllegalArgumentException.class,
                () -> new TrainRecipe(
                        Arch.U2NETP, 1, 0, 2, 64, 64, FlipMode.NONE, BatchNormMode.FROZEN, 0, "gt.safetensors"));
        assertThrows(
                IllegalArgumentException.class,
                () -> new TrainRecipe(Arch.ISNET, 1, 0, 2, 40, 32, FlipMode.NONE, BatchNormMode.FROZEN, 0, null));
    }
}
