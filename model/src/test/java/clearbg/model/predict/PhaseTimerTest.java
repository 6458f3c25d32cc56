package clearbg.model.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PhaseTimerTest {

    @Test
    void accumulatesPerPhaseAcrossThreadsAndSnapshotsDoNotChangeLater() throws InterruptedException {
        PhaseTimer timer = new PhaseTimer();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 1000; i++) {
                    timer.add(Phase.FORWARD, 3);
                    timer.add(Phase.ENCODE, 1);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        PhaseTimings before = timer.snapshot();
        timer.add(Phase.FORWARD, 5);

        assertEquals(12_000, before.nanos(Phase.FORWARD));
        assertEquals(4_000, before.nanos(Phase.ENCODE));
        assertEquals(0, before.nanos(Phase.DECODE));
        assertEquals(16_000, before.totalNanos());
        assertEquals(12_005, timer.snapshot().nanos(Phase.FORWARD));
    }

    @Test
    void refusesNegativeTimes() {
        assertThrows(IllegalArgumentException.class, () -> new PhaseTimer().add(Phase.WRITE, -1));
    }
}
