package clearbg.jobs.spark;

import java.io.Serializable;

/**
 * A validated row of the image table, or a reject (then {@code rejectReason} is set and the bytes are
 * null).
 *
 * @param id {@code dataset/split/stem}, with {@code _flip} appended for an offline-flipped copy
 * @param dataset DUTS or DIS5K
 * @param split the split
 * @param sourcePath the photo's path relative to the data set root
 * @param width photo width after the optional pre-resize
 * @param height photo height
 * @param channels 1 (grey) or 3
 * @param image the encoded photo (the source bytes, or PNG when resized or flipped)
 * @param mask the encoded mask (likewise)
 * @param flipped whether this is the horizontally flipped copy
 * @param contentHash SHA-256 of the photo bytes then the mask bytes, hex
 * @param rejectReason why the pair was rejected, or null
 */
public record IngestRow(
        String id,
        String dataset,
        String split,
        String sourcePath,
        int width,
        int height,
        int channels,
        byte[] image,
        byte[] mask,
        boolean flipped,
        String contentHash,
        String rejectReason)
        implements Serializable {

    static IngestRow reject(IngestPair pair, String reason) {
        String source = pair.imageRelative() != null ? pair.imageRelative() : pair.maskUri();
        return new IngestRow(
                pair.dataset() + "/" + pair.split() + "/" + pair.stem(),
                pair.dataset(),
                pair.split(),
                source,
                0,
                0,
                0,
                null,
                null,
                false,
                "",
                reason);
    }
}
