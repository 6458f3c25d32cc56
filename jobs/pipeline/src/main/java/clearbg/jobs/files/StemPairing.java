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

    /**
     * A file left out because another file on its side has the same stem.
     *
     * @param file its relative path
     * @param firstSide whether it is on the first side
     * @param stem the shared stem
     */
    public record Duplicate(String file, boolean firstSide, String stem) {

        /** Why it is left out, naming the file. */
        public String reason() {
            return file + ": another file on the " + (firstSide ? "first" : "second") + " side has the stem " + stem;
        }
    }

    private final List<Pair> pairs = new ArrayList<>();
    private final List<String> onlyFirst = new ArrayList<>();
    private final List<String> onlySecond = new ArrayList<>();
    private final List<Duplicate> duplicates = new ArrayList<>();
    private int ignored;

    /** Pairs {@code first} with {@code second} (relative paths with '/' separators). */
    public StemPairing(List<String> first, List<String> second) {
        Map<String, String> a = index(first, true);
        Map<String, String> b = index(second, false);
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

    private Map<String, String> index(List<String> files, boolean firstSide) {
        Map<String, List<String>> byStem = new TreeMap<>();
        for (String file : files.stream().sorted().toList()) {
            if (FileNames.isImage(file)) {
                byStem.computeIfAbsent(FileNames.stem(file), stem -> new ArrayList<>())
                        .add(file);
            } else {
                ignored++;
            }
        }
        Map<String, String> unique = new TreeMap<>();
        byStem.forEach((stem, named) -> {
            if (named.size() == 1) {
                unique.put(stem, named.get(0));
            } else {
                named.forEach(file -> duplicates.add(new Duplicate(file, firstSide, stem)));
            }
        });
        return unique;
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

    /** Files left out because their stem occurs twice on one side (the first file of a stem included). */
    public List<Duplicate> duplicates() {
        return List.copyOf(duplicates);
    }

    /** {@link #duplicates()} as messages naming each file. */
    public List<String> conflicts() {
        return duplicates.stream().map(Duplicate::reason).toList();
    }

    /** Files without an image extension, on both sides. */
    public int ignored() {
        return ignored;
    }
}
