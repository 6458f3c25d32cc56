package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Every metric against PySODMetrics 1.6 goldens, per image and per data set, within 1e-6 (relative above 1). */
class GoldenMetricsTest {

    private static final double TOLERANCE = 1e-6;

    private static final Map<String, ToDoubleFunction<SodResult>> SCALARS = Map.of(
            "mae",
            SodResult::mae,
            "sMeasure",
            SodResult::sMeasure,
            "weightedF",
            SodResult::weightedF,
            "maxF",
            SodResult::maxF,
            "meanF",
            SodResult::meanF,
            "adpF",
            SodResult::adpF,
            "maxE",
            SodResult::maxE,
            "meanE",
            SodResult::meanE,
            "adpE",
            SodResult::adpE);

    private double worst;

    @Test
    void perImageScalarsMatchReference() {
        List<String> failures = new ArrayList<>();
        for (JsonNode image : Goldens.root().get("images")) {
            String name = image.get("name").asText();
            SodResult result = new SodAccumulator().add(Goldens.pairStats(name)).result();
            SCALARS.forEach((metric, getter) ->
                    check(name + "." + metric, image.get(metric).asDouble(), getter.applyAsDouble(result), failures));
        }
        System.out.printf("per image: max deviation %.3e%n", worst);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void dataSetScalarsAndCurvesMatchReference() {
        List<String> failures = new ArrayList<>();
        Goldens.root().get("datasets").fields().forEachRemaining(entry -> {
            JsonNode set = entry.getValue();
            SodAccumulator acc = new SodAccumulator();
            set.get("images").forEach(name -> acc.add(Goldens.pairStats(name.asText())));
            SodResult result = acc.result();
            assertEquals(set.get("images").size(), result.images());
            SCALARS.forEach((metric, getter) -> check(
                    entry.getKey() + "." + metric, set.get(metric).asDouble(), getter.applyAsDouble(result), failures));
            checkCurve(entry.getKey() + ".precision", set.get("precision"), result.precision(), failures);
            checkCurve(entry.getKey() + ".recall", set.get("recall"), result.recall(), failures);
            checkCurve(entry.getKey() + ".fMeasure", set.get("fMeasure"), result.fMeasure(), failures);
            checkCurve(entry.getKey() + ".eMeasure", set.get("eMeasure"), result.eMeasure(), failures);
        });
        System.out.printf("data sets: max deviation %.3e%n", worst);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private void checkCurve(String what, JsonNode expected, double[] actual, List<String> failures) {
        double[] want = Goldens.doubles(expected);
        assertEquals(ImageStats.LEVELS, want.length);
        for (int i = 0; i < want.length; i++) {
            check(what + "[" + i + "]", want[i], actual[i], failures);
        }
    }

    /** Absolute deviation for values up to 1, relative above (the 1x1 image's E-measure is 1/eps). */
    private void check(String what, double expected, double actual, List<String> failures) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            if (Double.isNaN(expected) != Double.isNaN(actual)) {
                failures.add(what + ": expected " + expected + ", got " + actual);
            }
            return;
        }
        double deviation = Math.abs(expected - actual) / Math.max(1, Math.abs(expected));
        worst = Math.max(worst, deviation);
        if (deviation > TOLERANCE) {
            failures.add(what + ": expected " + expected + ", got " + actual);
        }
    }
}
