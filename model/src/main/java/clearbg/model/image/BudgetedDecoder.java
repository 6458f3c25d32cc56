package clearbg.model.image;

import java.io.IOException;
import java.util.Objects;

/**
 * Reads and decodes one image within {@link DecodeLimits} and the JVM's {@link ImageMemoryBudget}, so that
 * no single image, and no number of images processed at once, can exhaust the heap:
 *
 * <ol>
 *   <li>a file listed at more than {@link DecodeLimits#maxFileBytes()} is refused before it is read;</li>
 *   <li>twice its size is reserved (the read buffer and its copy), then it is read, never past the cap;</li>
 *   <li>its header is inspected ({@link ImageDecoder#inspect}): over the pixel limit it is refused;</li>
 *   <li>{@code pixels * (raster bytes per pixel + 4 * channels + workBytesPerPixel)} is reserved, where
 *       {@code workBytesPerPixel} is what the caller's pipeline allocates per source pixel after decoding
 *       (a mask, a cut-out, the PNG being written); an image that needs more than the whole budget is
 *       refused, one that needs more than is free waits;</li>
 *   <li>the pixels are decoded.</li>
 * </ol>
 * Every refusal is an {@link ImageDecodeException} naming the source and the reason. The caller closes
 * the returned {@link DecodedImage} when it is done with the image (its outputs written), which gives the
 * memory back. Before it would wait, the decoder runs the caller's {@code beforeWaiting} (finish the batch
 * already decoded and close it), so a thread never waits while holding memory, as long as callers hold
 * at most one image's reservation outside {@code beforeWaiting}. Thread-safe.
 */
public final class BudgetedDecoder {

    /** The encoded bytes of one image, read with a cap. */
    @FunctionalInterface
    public interface ByteSource {
        /**
         * The whole content.
         *
         * @throws ImageDecodeException when there are more than {@code maxBytes}
         */
        byte[] read(long maxBytes) throws IOException;
    }

    private final ImageDecoder decoder;
    private final ImageMemoryBudget budget;
    private final long workBytesPerPixel;

    /** A decoder of {@code limits} on this JVM's budget for them. */
    public BudgetedDecoder(DecodeLimits limits, long workBytesPerPixel) {
        this(new ImageDecoder(limits), limits.budget(), workBytesPerPixel);
    }

    /** A decoder on an explicit budget. */
    public BudgetedDecoder(ImageDecoder decoder, ImageMemoryBudget budget, long workBytesPerPixel) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.budget = Objects.requireNonNull(budget, "budget");
        if (workBytesPerPixel < 0) {
            throw new IllegalArgumentException("workBytesPerPixel must not be negative, got " + workBytesPerPixel);
        }
        this.workBytesPerPixel = workBytesPerPixel;
    }

    /** The limits decoded images are checked against. */
    public DecodeLimits limits() {
        return decoder.limits();
    }

    /**
     * Reads and decodes the image {@code source}.
     *
     * @param listedBytes its size as listed, or a negative number when unknown (then it is checked while reading)
     * @param bytes reads its content
     * @param beforeWaiting run once, on this thread, before waiting for memory held by others
     * @throws ImageDecodeException when it is refused or cannot be decoded
     * @throws IOException when it cannot be read
     */
    public DecodedImage decode(String source, long listedBytes, ByteSource bytes, Runnable beforeWaiting)
            throws IOException {
        long maxBytes = decoder.limits().maxFileBytes();
        if (listedBytes > maxBytes) {
            throw ImageDecoder.tooLarge(source, listedBytes, maxBytes);
        }
        ImageMemoryBudget.Reservation memory = budget.open(source);
        try {
            Waiter waiter = new Waiter(beforeWaiting);
            if (listedBytes > 0) {
                waiter.reserve(memory, 2 * listedBytes, "reading the file");
            }
            byte[] encoded = bytes.read(maxBytes);
            return decodeReserved(source, encoded, memory, waiter);
        } catch (IOException | RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    /** Decodes {@code encoded}, already in memory (a table row), within the budget. */
    public DecodedImage decode(String source, byte[] encoded, Runnable beforeWaiting) {
        ImageMemoryBudget.Reservation memory = budget.open(source);
        try {
            return decodeReserved(source, encoded, memory, new Waiter(beforeWaiting));
        } catch (RuntimeException e) {
            memory.close();
            throw e;
        }
    }

    private DecodedImage decodeReserved(
            String source, byte[] encoded, ImageMemoryBudget.Reservation memory, Waiter waiter) {
        ImageHeader header = decoder.inspect(encoded, source);
        long need = header.decodeBytes() + header.pixels() * workBytesPerPixel;
        waiter.reserve(memory, need, "the " + header.describe() + " image");
        return new DecodedImage(decoder.decode(encoded, source), encoded, header, memory);
    }

    /**
     * Reserves without waiting when it can; otherwise gives this image's earlier reservation back, runs the
     * caller's {@code beforeWaiting} (at most once) and waits for the earlier and the new bytes together.
     */
    private static final class Waiter {
        private Runnable beforeWaiting;

        Waiter(Runnable beforeWaiting) {
            this.beforeWaiting = beforeWaiting;
        }

        void reserve(ImageMemoryBudget.Reservation memory, long bytes, String what) {
            if (memory.tryGrow(bytes, what)) {
                return;
            }
            // Wait holding nothing, so that threads waiting for each other's memory cannot deadlock.
            long held = memory.heldBytes();
            memory.close();
            if (beforeWaiting != null) {
                Runnable run = beforeWaiting;
                beforeWaiting = null;
                run.run();
            }
            memory.grow(held + bytes, what);
        }
    }
}
