package clearbg.model.image;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The memory that images being processed may hold at once in this JVM, shared by every thread (the tasks
 * of a Spark executor, the workers of {@code clearbg remove}). An image reserves what it will need before
 * its file is read and before its pixels are decoded, and gives it back when its outputs are written
 * (closing the {@link Reservation}).
 *
 * <ul>
 *   <li>An image that needs more than the whole budget on its own is refused at once with an
 *       {@link ImageDecodeException} stating the bytes needed and the budget: it could never fit.</li>
 *   <li>An image that fits the budget but not what is free now waits, first come first served, until
 *       other images give their memory back. To avoid waiting while holding memory (two threads each
 *       holding part of a batch and waiting for the other), callers use {@link Reservation#tryGrow} first and
 *       finish the images they hold before they block in {@link Reservation#grow}.</li>
 * </ul>
 * Accounting is in KiB (rounded up), so budgets up to 2 TiB fit a semaphore.
 */
public final class ImageMemoryBudget {

    private static final Map<Integer, ImageMemoryBudget> BY_PERCENT = new ConcurrentHashMap<>();

    private final long capacityKib;
    private final Semaphore free;

    /** A budget of {@code capacityBytes} (at least 1 KiB). */
    public ImageMemoryBudget(long capacityBytes) {
        this.capacityKib = Math.max(1, Math.min(Integer.MAX_VALUE, capacityBytes >> 10));
        this.free = new Semaphore((int) capacityKib, true);
    }

    /**
     * The JVM-wide budget of {@code percent} of {@code Runtime.maxMemory()}; every caller asking for the same
     * percent shares one budget.
     */
    public static ImageMemoryBudget forHeapPercent(int percent) {
        return BY_PERCENT.computeIfAbsent(
                percent, p -> new ImageMemoryBudget(Runtime.getRuntime().maxMemory() / 100 * p));
    }

    /** The whole budget in bytes. */
    public long capacityBytes() {
        return capacityKib << 10;
    }

    /** Bytes not reserved now. */
    public long freeBytes() {
        return (long) free.availablePermits() << 10;
    }

    /** An empty reservation for the image {@code source} (named in refusals). */
    public Reservation open(String source) {
        return new Reservation(source);
    }

    private static int kib(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, (bytes + 1023) >> 10);
    }

    /** "2.1 GB" for messages. */
    static String format(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    /** Memory held for one image; not thread-safe (one image is processed by one thread at a time). */
    public final class Reservation implements AutoCloseable {

        private final String source;
        private int heldKib;

        private Reservation(String source) {
            this.source = source;
        }

        /** The bytes held now. */
        public long heldBytes() {
            return (long) heldKib << 10;
        }

        /**
         * Adds {@code bytes} to this reservation if they are free now.
         *
         * @return false when they are not free now (nothing changed)
         * @throws ImageDecodeException when this reservation would exceed the whole budget ({@code reason}
         *     says what the bytes are for)
         */
        public boolean tryGrow(long bytes, String reason) {
            int wanted = checkFits(bytes, reason);
            if (!free.tryAcquire(wanted)) {
                return false;
            }
            heldKib += wanted;
            return true;
        }

        /**
         * Adds {@code bytes} to this reservation, waiting until they are free.
         *
         * @throws ImageDecodeException when this reservation would exceed the whole budget, or the thread is
         *     interrupted while waiting
         */
        public void grow(long bytes, String reason) {
            int wanted = checkFits(bytes, reason);
            try {
                free.acquire(wanted);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageDecodeException(source, "interrupted while waiting for image memory");
            }
            heldKib += wanted;
        }

        private int checkFits(long bytes, String reason) {
            if (bytes < 0) {
                throw new IllegalArgumentException("negative reservation " + bytes);
            }
            int wanted = kib(bytes);
            if ((long) heldKib + wanted > capacityKib) {
                throw new ImageDecodeException(
                        source,
                        reason + " needs about " + format(heldBytes() + bytes)
                                + " of memory, over the image memory budget of " + format(capacityBytes())
                                + " (raise the JVM heap, e.g. --driver-memory / --executor-memory, or --image-memory)");
            }
            return wanted;
        }

        /** Gives the memory back; idempotent. */
        @Override
        public void close() {
            if (heldKib > 0) {
                free.release(heldKib);
                heldKib = 0;
            }
        }
    }
}
