package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * HCE, IoU/Dice and relaxFb against the goldens of scripts/reference/make_dis_metric_goldens.py: HCE equal per image,
 * every other number within 1e-6, per image and per data set; and the data-set result independent of the order and
 * partition in which images are added and merged.
 */
class DisGoldenMetricsTest {

    private static final double TOLERANCE = 1e-6;

    private static final Map<String, ToDoubleFunction<DisResult>> SCALARS = Map.ofEntries(
            Map.entry("hce", DisResult::hce),
            Map.entry("maxIou", DisResult::maxIou),
            Map.entry("meanIou", DisResult::meanIou),
            Map.entry("adpIou", DisResult::adpIou),
            Map.entry("binaryIou", DisResult::binaryIou),
            Map.entry("maxDice", DisResult::maxDice),
            Map.entry("meanDice", DisResult::meanDice),
            Map.entry("adpDice", DisResult::adpDice),
            Map.entry("binaryDice", DisResult::binaryDice),
            Map.entry("relaxFb", DisResult::relaxFb),
            Map.entry("relaxedPrecision", DisResult::relaxedPrecision),
            Map.entry("relaxedRecall", DisResult::relaxedRecall));

    private double worst;

    @Test
    void hceEqualsReferencePerImage() {
        List<String> failures = new ArrayList<>();
        int images = 0;
        for (JsonNode image : DisGoldens.root().get("images")) {
            String name = image.get("name").asText();
            int expected = image.get("hce").asInt();
            assertEquals(image.get("hce").asDouble(), expected, "HCE goldens are integers");
            int actual = DisGoldens.stats(name).hce();
            if (actual != expected) {
                failures.add(name + ": HCE expected " + expected + ", got " + actual);
            }
            // HCE alone, straight from the 8-bit maps (clearbg metrics --only hce)
            int alone = HumanCorrectionEffort.of(DisGoldens.prediction(name), DisGoldens.groundTruth(name));
            if (alone != expected) {
                failures.add(name + ": HCE alone expected " + expected + ", got " + alone);
            }
            images++;
        }
        assertTrue(images >= 20);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void perImageScalarsMatchReference() {
        List<String> failures = new ArrayList<>();
        for (JsonNode image : DisGoldens.root().get("images")) {
            String name = image.get("name").asText();
            DisResult result = new DisAccumulator().add(DisGoldens.stats(name)).result();
            SCALARS.forEach((metric, getter) ->
                    check(name + "." + metric, image.get(metric).asDouble(), getter.applyAsDouble(result), failures));
        }
        System.out.printf("DIS per image: max deviation %.3e%n", worst);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void dataSetScalarsAndCurvesMatchReference() {
        JsonNode set = DisGoldens.root().get("dataset");
        DisAccumulator acc = new DisAccumulator();
        set.get("images").forEach(name -> acc.add(DisGoldens.stats(name.asText())));
        DisResult result = acc.result();
        assertEquals(set.get("images").size(), result.images());
        List<String> failures = new ArrayList<>();
        SCALARS.forEach(
                (metric, getter) -> check(metric, set.get(metric).asDouble(), getter.applyAsDouble(result), failures));
        double[] iou = Goldens.doubles(set.get("iouCurve"));
        double[] dice = Goldens.doubles(set.get("diceCurve"));
        assertEquals(ImageStats.LEVELS, iou.length);
        for (int i = 0; i < iou.length; i++) {
            check("iouCurve[" + i + "]", iou[i], result.iouCurve()[i], failures);
            check("diceCurve[" + i + "]", dice[i], result.diceCurve()[i], failures);
        }
        System.out.printf("DIS data set: max deviation %.3e%n", worst);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void anyPartitionMergesToTheSameResult() {
        List<DisStats> stats = new ArrayList<>();
        DisGoldens.root().get("dataset").get("images").forEach(name -> stats.add(DisGoldens.stats(name.asText())));
        DisAccumulator sequential = new DisAccumulator();
        stats.forEach(sequential::add);
        DisResult expected = sequential.result();
        Random random = new Random(20);
        for (int trial = 0; trial < 20; trial++) {
            List<DisStats> shuffled = new ArrayList<>(stats);
            Collections.shuffle(shuffled, random);
            int parts = 1 + random.nextInt(6);
            List<DisAccumulator> partials = new ArrayList<>();
            for (int p = 0; p < parts; p++) {
                partials.add(new DisAccumulator());
            }
            for (DisStats s : shuffled) {
                partials.get(random.nextInt(parts)).add(s);
            }
            Collections.shuffle(partials, random);
            DisAccumulator merged = new DisAccumulator();
            for (DisAccumulator partial : partials) {
                merged.merge(partial);
            }
            assertEquals(expected, merged.result(), "trial " + trial + " with " + parts + " partitions");
        }
    }

    private void check(String what, double expected, double actual, List<String> failures) {
        double deviation = Math.abs(expected - actual) / Math.max(1, Math.abs(expected));
        if (Double.isNaN(actual) || Double.isNaN(deviation)) {
            failures.add(what + ": expected " + expected + ", got " + actual);
            return;
        }
        worst = Math.max(worst, deviation);
        if (deviation > TOLERANCE) {
            failures.add(what + ": expected " + expected + ", got " + actual);
        }
    }
}
