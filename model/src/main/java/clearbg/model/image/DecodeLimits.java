package clearbg.model.image;

/**
 * Settings of {@link ImageDecoder}.
 *
 * @param maxPixels the largest {@code width * height} accepted; checked from the header before any pixel
 *     data is decoded, so an oversized (or maliciously declared) image costs no memory
 */
public record DecodeLimits(long maxPixels) {

    /** 100 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

    public DecodeLimits {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
    }

    /** The default limits: {@value #DEFAULT_MAX_PIXELS} pixels. */
    public static DecodeLimits defaults() {
        return new DecodeLimits(DEFAULT_MAX_PIXELS);
    }
}
