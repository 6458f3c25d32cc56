package clearbg.jobs.spark;

import java.io.Serializable;

/**
 * One image/mask pair found by listing a data set (either side may be missing).
 *
 * @param dataset DUTS or DIS5K
 * @param split the split folder, e.g. DUTS-TR
 * @param stem the pairing key (file name without extension)
 * @param imageUri the photo, or null when only a mask was found
 * @param maskUri the mask, or null when only a photo was found
 * @param imageRelative the photo's path relative to the data set root (stable across file systems), or null
 * @param refusal why the listing already refuses this file (a duplicate stem), or null
 */
public record IngestPair(
        String dataset,
        String split,
        String stem,
        String imageUri,
        String maskUri,
        String imageRelative,
        String refusal)
        implements Serializable {

    /** A pair as the listing found it, to be validated. */
    public static IngestPair found(
            String dataset, String split, String stem, String imageUri, String maskUri, String imageRelative) {
        return new IngestPair(dataset, split, stem, imageUri, maskUri, imageRelative, null);
    }
}
