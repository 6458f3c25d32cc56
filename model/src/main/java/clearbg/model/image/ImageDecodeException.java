package clearbg.model.image;

/**
 * An image (or mask) could not be decoded. Unchecked, so that it crosses Spark lambdas unchanged; the
 * message always starts with the source name and states the reason, e.g.
 * {@code "photo.jpg: truncated JPEG (no EOI marker after the last scan)"}.
 */
public final class ImageDecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;

    public ImageDecodeException(String source, String reason) {
        super(source + ": " + reason);
        this.source = source;
    }

    public ImageDecodeException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
        this.source = source;
    }

    /** The file name, URI or other label of the input that failed. */
    public String source() {
        return source;
    }
}
