package clearbg.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Pairs prediction and ground-truth files by stem: the relative path without its extension, so that
 * {@code pred/a/x.png} meets {@code gt/a/x.jpg}. Files without an image extension are ignored and
 * counted; two files with the same stem in one folder are a conflict (both are left out).
 */
final class MapPairing {

    /** A prediction and its ground truth. */
    record Pair(String name, Path prediction, Path groundTruth) {}

    private final List<Pair> pairs = new ArrayList<>();
    private final List<String> predictionsWithoutGroundTruth = new ArrayList<>();
    private final List<String> groundTruthWithoutPrediction = new ArrayList<>();
    private final List<String> conflicts = new ArrayList<>();
    private int ignored;

    MapPairing(Path predictions, Path groundTruth) {
        Map<String, Path> pred = index(predictions);
        Map<String, Path> gt = index(groundTruth);
        pred.forEach((stem, file) -> {
            Path match = gt.get(stem);
            if (match == null) {
                predictionsWithoutGroundTruth.add(predictions.relativize(file).toString());
            } else {
                pairs.add(new Pair(stem, file, match));
            }
        });
        gt.forEach((stem, file) -> {
            if (!pred.containsKey(stem)) {
                groundTruthWithoutPrediction.add(groundTruth.relativize(file).toString());
            }
        });
    }

    private Map<String, Path> index(Path folder) {
        Map<String, Path> byStem = new TreeMap<>();
        List<String> duplicated = new ArrayList<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String relative = folder.relativize(file).toString();
                if (!InputCollector.IMAGE_EXTENSIONS.contains(InputCollector.extension(relative))) {
                    ignored++;
                    continue;
                }
                String stem = InputCollector.stem(relative);
                if (byStem.putIfAbsent(stem, file) != null) {
                    duplicated.add(stem);
                    conflicts.add(relative + ": another file in " + folder + " has the stem " + stem);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        duplicated.forEach(byStem::remove);
        return byStem;
    }

    List<Pair> pairs() {
        return List.copyOf(pairs);
    }

    List<String> predictionsWithoutGroundTruth() {
        return List.copyOf(predictionsWithoutGroundTruth);
    }

    List<String> groundTruthWithoutPrediction() {
        return List.copyOf(groundTruthWithoutPrediction);
    }

    List<String> conflicts() {
        return List.copyOf(conflicts);
    }

    int ignored() {
        return ignored;
    }
}
