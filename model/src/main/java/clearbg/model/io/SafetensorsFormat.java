package clearbg.model.io;

/**
 * Constants of the safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * unsigned header length N, N bytes of UTF-8 JSON, then the byte buffer. The JSON maps each tensor name to
 * {@code {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}} (offsets relative to the buffer), plus an
 * optional {@code "__metadata__"} map of strings to strings. Data is little-endian and row-major.
 */
final class SafetensorsFormat {
    /** The reserved header key holding the string-to-string metadata. */
    static final String METADATA_KEY = "__metadata__";
    /** Bytes of the header-length prefix. */
    static final int LENGTH_BYTES = 8;
    /** Header lengths are padded (with spaces) to a multiple of this, so the buffer starts aligned. */
    static final int ALIGNMENT = 8;
    /** Largest header accepted, as in the reference implementation (guards against absurd lengths). */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private SafetensorsFormat() {}
}
