package clearbg.model.image;

import java.io.Serializable;

/**
 * What one image may cost before it is decoded: its declared size, its encoded size and its share of the
 * process's memory. Immutable and serializable, so a Spark job hands the same limits to its executors,
 * where the share is turned into bytes of the executor's own heap.
 *
 * @param maxPixels the largest {@code width * height} accepted; checked from the header before any pixel
 *     data is decoded, so an oversized (or maliciously declared) image costs no memory
 * @param maxFileBytes the largest encoded file or object accepted, checked from its listed size before it
 *     is read and again while reading
 * @param imageMemoryPercent the share of this JVM's maximum heap ({@code Runtime.maxMemory()}) that the
 *     images being processed may hold together, 1..90 (see {@link ImageMemoryBudget})
 */
public record DecodeLimits(long maxPixels, long maxFileBytes, int imageMemoryPercent) implements Serializable {

    /** 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    /** 256 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 256L << 20;
    /** Half the heap. */
    public static final int DEFAULT_IMAGE_MEMORY_PERCENT = 50;

    public DecodeLimits {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("maxFileBytes must be positive, got " + maxFileBytes);
        }
        if (imageMemoryPercent < 1 || imageMemoryPercent > 90) {
            throw new IllegalArgumentException("imageMemoryPercent must be 1..90, got " + imageMemoryPercent);
        }
    }

    /** The default limits with another pixel limit. */
    public static DecodeLimits ofMaxPixels(long maxPixels) {
        return new DecodeLimits(maxPixels, DEFAULT_MAX_FILE_BYTES, DEFAULT_IMAGE_MEMORY_PERCENT);
    }

    /**
     * {@value #DEFAULT_MAX_PIXELS} pixels, {@value #DEFAULT_MAX_FILE_BYTES} bytes, {@value
     * #DEFAULT_IMAGE_MEMORY_PERCENT}% of the heap.
     */
    public static DecodeLimits defaults() {
        return ofMaxPixels(DEFAULT_MAX_PIXELS);
    }

    /** This JVM's budget for these limits' share of the heap. */
    public ImageMemoryBudget budget() {
        return ImageMemoryBudget.forHeapPercent(imageMemoryPercent);
    }
}
