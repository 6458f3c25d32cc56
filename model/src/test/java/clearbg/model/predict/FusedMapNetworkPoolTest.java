package clearbg.model.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.nn.Arch;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The pool lends each concurrent call its own copy and closes every copy, also after a failed open. */
class FusedMapNetworkPoolTest {

    /** A network that waits until {@code meeting} has seen every copy busy at once, then answers its id. */
    private record MeetingNetwork(int id, CountDownLatch meeting, AtomicInteger closed) implements FusedMapNetwork {
        @Override
        public Arch arch() {
            return Arch.U2NETP;
        }

        @Override
        public float[] fusedMaps(float[] input, int batch, int side) {
            meeting.countDown();
            try {
                assertTrue(meeting.await(10, TimeUnit.SECONDS), "the copies did not run at the same time");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new float[] {id};
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void concurrentCallsRunOnDifferentCopies() throws Exception {
        CountDownLatch meeting = new CountDownLatch(3);
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger opened = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(3);
        try (FusedMapNetworkPool pool =
                FusedMapNetworkPool.open(3, () -> new MeetingNetwork(opened.getAndIncrement(), meeting, closed))) {
            List<Future<float[]>> answers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                answers.add(callers.submit(() -> pool.fusedMaps(new float[0], 1, 1)));
            }
            float sum = 0;
            for (Future<float[]> answer : answers) {
                sum += answer.get(20, TimeUnit.SECONDS)[0];
            }
            assertEquals(0 + 1 + 2, sum, "each call had a copy of its own");
        } finally {
            callers.shutdownNow();
        }
        assertEquals(3, closed.get());
    }

    @Test
    void aFailedOpenClosesTheCopiesOpenedSoFar() {
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger opened = new AtomicInteger();
        assertThrows(
                IOException.class,
                () -> FusedMapNetworkPool.open(3, () -> {
                    if (opened.get() == 2) {
                        throw new IOException("third copy");
                    }
                    return new MeetingNetwork(opened.getAndIncrement(), new CountDownLatch(0), closed);
                }));
        assertEquals(2, closed.get());
    }
}
