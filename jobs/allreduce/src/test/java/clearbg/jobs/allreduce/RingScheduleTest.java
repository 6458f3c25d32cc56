package clearbg.jobs.allreduce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingScheduleTest {

    @Test
    void eachStepForwardsWhatTheStepBeforeReceived() {
        for (int n = 2; n <= 6; n++) {
            for (int rank = 0; rank < n; rank++) {
                RingSchedule schedule = new RingSchedule(rank, n, 1000);
                assertEquals(2 * (n - 1), schedule.steps());
                assertEquals(rank, schedule.sendSegment(0), "the first step sends the rank's own segment");
                for (int step = 1; step < schedule.steps(); step++) {
                    assertEquals(
                            schedule.receiveSegment(step - 1), schedule.sendSegment(step), n + "/" + rank + "/" + step);
                }
            }
        }
    }

    @Test
    void reduceScatterLeavesRankROwningSegmentRPlusOneAndAllGatherFillsTheRest() {
        for (int n = 2; n <= 6; n++) {
            for (int rank = 0; rank < n; rank++) {
                RingSchedule schedule = new RingSchedule(rank, n, 1000);
                int lastReduce = n - 2;
                assertTrue(schedule.completesSum(lastReduce));
                assertEquals((rank + 1) % n, schedule.receiveSegment(lastReduce));
                Set<Integer> gathered = new HashSet<>();
                for (int step = 0; step < schedule.steps(); step++) {
                    assertEquals(step < n - 1, schedule.reduces(step));
                    if (!schedule.reduces(step)) {
                        gathered.add(schedule.receiveSegment(step));
                    }
                }
                assertFalse(gathered.contains((rank + 1) % n), "the owned segment is never overwritten");
                assertEquals(n - 1, gathered.size(), "every other segment arrives once");
            }
        }
    }

    @Test
    void receivedBeforeCountsTheFloatsOfEarlierSteps() {
        RingSchedule schedule = new RingSchedule(1, 3, 10); // segments 4, 3, 3
        assertEquals(0, schedule.receivedBefore(0));
        assertEquals(4, schedule.receivedBefore(1)); // step 0 received segment 0
        assertEquals(4 + 3, schedule.receivedBefore(2)); // step 1 received segment 2
        assertEquals(4 + 3 + 3, schedule.receivedBefore(3)); // step 2 (all-gather) received segment 1
    }
}
