package clearbg.cli;

import clearbg.jobs.files.DatasetLayout;
import clearbg.jobs.files.PairValidation;
import clearbg.jobs.files.StemPairing;
import clearbg.jobs.train.TableSample;
import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.ImageDecoder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The training samples of a local DUTS/DIS5K-layout folder as IngestJob would put them in its table: pairs
 * by stem, each checked by the rule IngestJob applies ({@link PairValidation}),
 * id {@code <LAYOUT>/<split>/<stem>}, the encoded bytes as they are on disk. Rejected pairs are reported.
 */
final class LocalTrainingSet {

    private LocalTrainingSet() {}

    /** The layout whose split folders {@code root} has (DUTS first). */
    static DatasetLayout detect(Path root) {
        for (DatasetLayout candidate : DatasetLayout.values()) {
            for (String split : candidate.splits()) {
                if (Files.isDirectory(root.resolve(candidate.imageFolder(split)))) {
                    return candidate;
                }
            }
        }
        throw new UsageException(root + ": neither a DUTS (DUTS-TR, DUTS-TE) nor a DIS5K (DIS-TR, ...) layout");
    }

    /** The accepted samples of {@code splits} by id, in id order. */
    static Map<String, TableSample> load(
            Path root, DatasetLayout layout, List<String> splits, DecodeLimits limits, PrintWriter err) {
        Map<String, TableSample> samples = new TreeMap<>();
        BudgetedDecoder decoder = new BudgetedDecoder(limits, 0);
        for (String split : splits) {
            Path images = root.resolve(layout.imageFolder(split));
            Path masks = root.resolve(layout.maskFolder(split));
            if (!Files.isDirectory(images) || !Files.isDirectory(masks)) {
                throw new UsageException(root + " has no " + layout.name() + " split " + split + ": " + images + " or "
                        + masks + " is missing");
            }
            StemPairing pairing = new StemPairing(LocalFiles.relativeFiles(images), LocalFiles.relativeFiles(masks));
            pairing.onlyFirst().forEach(f -> err.println("clearbg: no mask for " + f));
            pairing.onlySecond().forEach(f -> err.println("clearbg: no image for mask " + f));
            for (StemPairing.Pair pair : pairing.pairs()) {
                String id = layout.name() + "/" + split + "/" + pair.name();
                Path image = images.resolve(pair.first());
                Path mask = masks.resolve(pair.second());
                try (PairValidation.Valid valid = PairValidation.validate(
                        decoder,
                        image.toString(),
                        max -> ImageDecoder.readFile(image, max),
                        mask.toString(),
                        max -> ImageDecoder.readFile(mask, max))) {
                    samples.put(
                            id,
                            new TableSample(
                                    id, valid.image().encoded(), valid.mask().encoded()));
                } catch (PairValidation.Rejected e) {
                    err.println("clearbg: skipped " + id + ": " + e.getMessage());
                }
            }
        }
        return samples;
    }
}
