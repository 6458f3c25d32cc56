package clearbg.jobs.allreduce;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs one task per rank, each in its own thread, and collects what each returned or threw. */
final class RankThreads {

    /** A rank's part of a test. */
    interface RankTask<T> {
        T run(int rank) throws Exception;
    }

    /**
     * What one rank's task did.
     *
     * @param value its result, or null
     * @param failure what it threw, or null
     */
    record Outcome<T>(T value, Throwable failure) {

        T valueOrThrow() {
            if (failure != null) {
                throw new AssertionError("the rank failed: " + failure, failure);
            }
            return value;
        }
    }

    private RankThreads() {}

    /** Runs {@code task} for ranks {@code 0..worldSize-1} at the same time; gives up after 60 s. */
    static <T> List<Outcome<T>> run(int worldSize, RankTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(worldSize);
        try {
            List<Future<Outcome<T>>> futures = new ArrayList<>();
            for (int rank = 0; rank < worldSize; rank++) {
                int r = rank;
                futures.add(pool.submit(() -> {
                    try {
                        return new Outcome<>(task.run(r), null);
                    } catch (Exception | AssertionError e) {
                        return new Outcome<T>(null, e);
                    }
                }));
            }
            List<Outcome<T>> outcomes = new ArrayList<>();
            for (Future<Outcome<T>> future : futures) {
                outcomes.add(future.get(60, TimeUnit.SECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs {@code task} on every rank and returns the results, failing if any rank failed. */
    static <T> List<T> runAll(int worldSize, RankTask<T> task) throws Exception {
        List<T> values = new ArrayList<>();
        for (Outcome<T> outcome : run(worldSize, task)) {
            values.add(outcome.valueOrThrow());
        }
        return values;
    }
}
