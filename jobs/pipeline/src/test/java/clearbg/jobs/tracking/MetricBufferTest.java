package clearbg.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MetricBufferTest {

    @Test
    void dueWhenFull() {
        MetricBuffer buffer = new MetricBuffer(3, Duration.ofHours(1));
        buffer.add(metric(0), 0);
        buffer.add(metric(1), 0);
        assertFalse(buffer.due(0));
        buffer.add(metric(2), 0);
        assertTrue(buffer.due(0));
    }

    @Test
    void dueWhenTheOldestHasWaitedTheDelay() {
        MetricBuffer buffer = new MetricBuffer(1000, Duration.ofSeconds(10));
        assertFalse(buffer.due(1_000_000), "an empty buffer is never due");
        buffer.add(metric(0), 1_000);
        buffer.add(metric(1), 9_000);
        assertFalse(buffer.due(10_999));
        assertTrue(buffer.due(11_000));
        buffer.drain();
        buffer.add(metric(2), 12_000);
        assertFalse(buffer.due(12_001), "the clock restarts with the next batch");
    }

    @Test
    void drainCutsBatchesOfAtMostCapacityInOrderAndEmpties() {
        MetricBuffer buffer = new MetricBuffer(1000, Duration.ofSeconds(10));
        IntStream.range(0, 2500).forEach(step -> buffer.add(metric(step), 0));
        List<List<Metric>> batches = buffer.drain();
        assertEquals(List.of(1000, 1000, 500), batches.stream().map(List::size).toList());
        assertEquals(1000, batches.get(1).get(0).step());
        assertEquals(2499, batches.get(2).get(499).step());
        assertEquals(List.of(), buffer.drain());
    }

    @Test
    void chunksOfAnEmptyListAreNoneAndSizeMustBePositive() {
        assertEquals(List.of(), Chunks.of(List.of(), 5));
        assertEquals(List.of(List.of(1, 2), List.of(3)), Chunks.of(List.of(1, 2, 3), 2));
        assertThrows(IllegalArgumentException.class, () -> Chunks.of(List.of(1), 0));
    }

    private static Metric metric(long step) {
        return new Metric("loss", 1.0 / (step + 1), 0, step);
    }
}
