package clearbg.jobs.files;

import java.util.List;
import java.util.Locale;

/**
 * The folder layouts of the two salient-object data sets: DUTS ({@code DUTS-TR/DUTS-TR-Image/*.jpg} with
 * {@code DUTS-TR/DUTS-TR-Mask/*.png}, the same for DUTS-TE) and DIS5K ({@code DIS-TR}, {@code DIS-VD},
 * {@code DIS-TE1..4}, each {@code im/*.jpg} with {@code gt/*.png}).
 */
public enum DatasetLayout {
    DUTS(List.of("DUTS-TR", "DUTS-TE")),
    DIS5K(List.of("DIS-TR", "DIS-VD", "DIS-TE1", "DIS-TE2", "DIS-TE3", "DIS-TE4"));

    private final List<String> splits;

    DatasetLayout(List<String> splits) {
        this.splits = splits;
    }

    /** The split folders of the layout, training split first. */
    public List<String> splits() {
        return splits;
    }

    /** The training split ({@code DUTS-TR} or {@code DIS-TR}). */
    public String trainingSplit() {
        return splits.get(0);
    }

    /** The folder of a split's photos, relative to the data set root. */
    public String imageFolder(String split) {
        requireSplit(split);
        return this == DUTS ? split + "/" + split + "-Image" : split + "/im";
    }

    /** The folder of a split's masks, relative to the data set root. */
    public String maskFolder(String split) {
        requireSplit(split);
        return this == DUTS ? split + "/" + split + "-Mask" : split + "/gt";
    }

    private void requireSplit(String split) {
        if (!splits.contains(split)) {
            throw new IllegalArgumentException(
                    "unknown split '" + split + "' for " + name() + "; expected one of " + splits);
        }
    }

    /** Parses {@code duts} / {@code dis5k} (case-insensitive). */
    public static DatasetLayout parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown layout '" + name + "': expected duts or dis5k");
        }
    }
}
