package clearbg.jobs.files;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pairs two sets of files by stem: the relative path without its extension, so that {@code a/x.png}
 * meets {@code a/x.jpg}. Files without an image extension are ignored and counted; two files with the
 * same stem on one side are a conflict and both are left out. Works on relative paths only, so local
 * folders and Hadoop file systems pair alike.
 */
public final class StemPairing {

    /**
     * A matched pair.
     *
     * @param name the common stem
     * @param first the first side's relative path
     * @param second the second side's relative path
     */
    public record Pair(String name, String first, String second) {}

    private final List<Pair> pairs = new ArrayList<>();
    private final List<String> onlyFirst = new ArrayList<>();
    private final List<String> onlySecond = new ArrayList<>();
    private final List<String> conflicts = new ArrayList<>();
    private int ignored;

    /** Pairs {@code first} with {@code second} (relative paths with '/' separators). */
    public StemPairing(List<String> first, List<String> second) {
        Map<String, String> a = index(first, "first");
        Map<String, String> b = index(second, "second");
        a.forEach((stem, file) -> {
            String match = b.get(stem);
            if (match == null) {
                onlyFirst.add(file);
            } else {
                pairs.add(new Pair(stem, file, match));
            }
        });
        b.forEach((stem, file) -> {
            if (!a.containsKey(stem)) {
                onlySecond.add(file);
            }
        });
    }

    private Map<String, String> index(List<String> files, String side) {
        Map<String, String> byStem = new TreeMap<>();
        List<String> duplicated = new ArrayList<>();
        for (String file : files.stream().sorted().toList()) {
            if (!FileNames.isImage(file)) {
                ignored++;
                continue;
            }
            String stem = FileNames.stem(file);
            if (byStem.putIfAbsent(stem, file) != null) {
                duplicated.add(stem);
                conflicts.add(file + ": another file on the " + side + " side has the stem " + stem);
            }
        }
        duplicated.forEach(byStem::remove);
        return byStem;
    }

    public List<Pair> pairs() {
        return List.copyOf(pairs);
    }

    /** Files of the first side without a partner. */
    public List<String> onlyFirst() {
        return List.copyOf(onlyFirst);
    }

    /** Files of the second side without a partner. */
    public List<String> onlySecond() {
        return List.copyOf(onlySecond);
    }

    /** Files left out because their stem occurs twice on one side. */
    public List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    /** Files without an image extension, on both sides. */
    public int ignored() {
        return ignored;
    }
}
