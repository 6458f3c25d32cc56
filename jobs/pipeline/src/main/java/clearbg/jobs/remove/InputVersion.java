package clearbg.jobs.remove;

/**
 * The version of an input object as records compare it: the store's ETag when it has one (S3 and other object
 * stores: it changes whenever the content is replaced, whatever the new object's time; without the quotes S3 puts
 * around it in HTTP headers and an inventory leaves out, so a listing and an inventory agree), else
 * {@code size:<bytes>,mtime:<millis>} (file systems). Two versions are compared for equality only: an input
 * replaced by an older copy has another version, so it is redone.
 */
public final class InputVersion {

    private InputVersion() {}

    /**
     * @param etag the ETag (quotes as the store gives them), or null / empty when the store has none
     * @param bytes the size
     * @param modified the modification time, ms since the epoch
     */
    public static String of(String etag, long bytes, long modified) {
        if (etag != null && !etag.isBlank()) {
            return "etag:" + etag.replace("\"", "");
        }
        return "size:" + bytes + ",mtime:" + modified;
    }
}
