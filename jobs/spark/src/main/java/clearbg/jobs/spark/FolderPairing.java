package clearbg.jobs.spark;

import clearbg.jobs.files.StemPairing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** A source folder and a ground-truth folder on a Hadoop file system, paired by stem (see {@link StemPairing}). */
final class FolderPairing {

    private final String sources;
    private final String groundTruth;
    private final StemPairing pairing;

    private FolderPairing(String sources, String groundTruth, StemPairing pairing) {
        this.sources = sources;
        this.groundTruth = groundTruth;
        this.pairing = pairing;
    }

    static FolderPairing of(HadoopFiles files, String sources, String groundTruth) throws IOException {
        return new FolderPairing(
                sources, groundTruth, new StemPairing(relative(files, sources), relative(files, groundTruth)));
    }

    private static List<String> relative(HadoopFiles files, String root) throws IOException {
        List<String> relative = new ArrayList<>();
        for (String file : files.listFiles(root)) {
            relative.add(files.relativize(root, file));
        }
        return relative;
    }

    /** One task per pair, in name order. */
    List<EvalTask> tasks(String dataset) {
        String sourceRoot = sources.replaceAll("/+$", "");
        String truthRoot = groundTruth.replaceAll("/+$", "");
        return pairing.pairs().stream()
                .map(p -> new EvalTask(dataset, p.name(), sourceRoot + "/" + p.first(), truthRoot + "/" + p.second()))
                .toList();
    }

    /** Unpaired and conflicting files, one line each. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        pairing.onlyFirst().forEach(f -> problems.add("no ground truth for " + f));
        pairing.onlySecond().forEach(f -> problems.add("nothing to score against ground truth " + f));
        problems.addAll(pairing.conflicts());
        return problems;
    }
}
