package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Merging per-partition accumulators gives bit-identical results for any partition and order. */
class PartitionMergeTest {

    private static List<ImageStats> allImages() {
        List<ImageStats> stats = new ArrayList<>();
        Goldens.root()
                .get("images")
                .forEach(i -> stats.add(Goldens.pairStats(i.get("name").asText())));
        return stats;
    }

    @Test
    void anyPartitionMergesToTheSameResult() throws Exception {
        List<ImageStats> images = allImages();
        SodResult whole = accumulate(images).result();
        Random random = new Random(42);
        for (int trial = 0; trial < 50; trial++) {
            List<ImageStats> shuffled = new ArrayList<>(images);
            Collections.shuffle(shuffled, random);
            int parts = 1 + random.nextInt(images.size());
            List<SodAccumulator> partials = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                partials.add(new SodAccumulator());
            }
            for (ImageStats image : shuffled) {
                partials.get(random.nextInt(parts)).add(image);
            }
            Collections.shuffle(partials, random);
            SodAccumulator merged = new SodAccumulator();
            for (SodAccumulator part : partials) {
                merged.merge(trial % 2 == 0 ? part : roundTrip(part));
            }
            assertEquals(whole, merged.result(), "trial " + trial);
        }
    }

    @Test
    void mergeLeavesTheOtherUnchangedAndCountsImages() {
        List<ImageStats> images = allImages();
        SodAccumulator left = accumulate(images.subList(0, 5));
        SodAccumulator right = accumulate(images.subList(5, images.size()));
        SodResult rightBefore = right.result();
        left.merge(right);
        assertEquals(rightBefore, right.result());
        assertEquals(images.size(), left.images());
    }

    @Test
    void emptyAccumulatorGivesNaN() {
        SodResult empty = new SodAccumulator().result();
        assertEquals(0, empty.images());
        assertTrue(Double.isNaN(empty.mae()) && Double.isNaN(empty.maxF()));
        assertTrue(empty.convention().contains("max over thresholds of the mean curve"));
    }

    @Test
    void exactSumIsOrderIndependent() {
        double[] terms = {1e16, 1.0, -1e16, 0.1, 0.2, 0.3, 1e-20, -0.6};
        ExactSum forward = new ExactSum();
        ExactSum backward = new ExactSum();
        for (int i = 0; i < terms.length; i++) {
            forward.add(terms[i]);
            backward.add(terms[terms.length - 1 - i]);
        }
        assertEquals(forward.value(), backward.value());
        assertEquals(1.0 + 1e-20 + (0.1 + 0.2 + 0.3 - 0.6), forward.value(), 1e-15);
    }

    private static SodAccumulator accumulate(List<ImageStats> images) {
        SodAccumulator acc = new SodAccumulator();
        images.forEach(acc::add);
        return acc;
    }

    private static SodAccumulator roundTrip(SodAccumulator acc) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(acc);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (SodAccumulator) in.readObject();
        }
    }
}
