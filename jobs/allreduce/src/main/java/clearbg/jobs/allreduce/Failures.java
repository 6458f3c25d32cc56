package clearbg.jobs.allreduce;

/** Messages of exceptions, for the ring's own messages. */
final class Failures {

    private Failures() {}

    /** The exception's message, or its class name when it has none (as for a closed channel). */
    static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
