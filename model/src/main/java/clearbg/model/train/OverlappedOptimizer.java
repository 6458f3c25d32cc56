package clearbg.model.train;

import clearbg.model.optim.Adam;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Overlaps the optimiser with the gradient exchange: each range the exchange reports final is updated by the
 * optimiser on this object's own thread while the exchange goes on with the rest, so that the Adam step costs
 * little more than the exchange. Element {@code i}'s update reads only element {@code i} of the averaged
 * gradients, its weight and its moments, so the result equals an update after the whole exchange, bit for bit.
 * One per trainer; calls are not thread-safe.
 */
final class OverlappedOptimizer implements AutoCloseable {

    private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
        Thread t = new Thread(task, "clearbg-optimizer");
        t.setDaemon(true);
        return t;
    });

    /**
     * Averages {@code flat} through {@code exchange}, applying {@code step} to each range as it becomes final, then
     * finishes the step.
     *
     * @return {@link System#nanoTime()} when the exchange itself ended (the rest is the optimiser's tail)
     * @throws IOException when the exchange fails; the ranges already handed over are updated before it is thrown
     */
    long exchangeAndUpdate(GradientExchange exchange, float[] flat, Adam.FlatStep step) throws IOException {
        List<Future<?>> pending = new ArrayList<>();
        long exchanged;
        try {
            exchange.average(flat, (offset, length) -> pending.add(thread.submit(() -> step.update(offset, length))));
        } finally {
            exchanged = System.nanoTime();
            awaitAll(pending); // the optimiser thread leaves the weights alone before the caller goes on
        }
        step.finish();
        return exchanged;
    }

    /**
     * Starts an update whose ranges arrive from another thread (a {@link BackwardExchange}'s exchange thread): each
     * range reported to the returned pass is handed to the optimiser thread at once.
     */
    Pass begin(Adam.FlatStep step) {
        return new Pass(step);
    }

    /** One optimiser step fed range by range; {@link #ready} may be called from any thread. */
    final class Pass implements GradientExchange.ReadyRanges {

        private final Adam.FlatStep step;
        private final List<Future<?>> pending = Collections.synchronizedList(new ArrayList<>());

        private Pass(Adam.FlatStep step) {
            this.step = step;
        }

        @Override
        public void ready(int offset, int length) {
            pending.add(thread.submit(() -> step.update(offset, length)));
        }

        /**
         * Waits for every range handed over, then finishes the step. Call after the exchange has reported every
         * range.
         */
        void finish() throws InterruptedIOException {
            awaitAll(List.copyOf(pending));
            step.finish();
        }

        /** Waits for the ranges handed over so far, leaving the step unfinished (after a failed exchange). */
        void abandon() throws InterruptedIOException {
            awaitAll(List.copyOf(pending));
        }
    }

    private static void awaitAll(List<Future<?>> pending) throws InterruptedIOException {
        for (Future<?> update : pending) {
            try {
                update.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while the optimiser step ran");
            } catch (ExecutionException e) {
                throw new IllegalStateException("the optimiser step failed: " + e.getCause(), e.getCause());
            }
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
