package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clearbg metrics} against the PySODMetrics goldens of the model module
 * ({@code scripts/reference/make_metric_goldens.py}): the "regular" set, whole-set numbers within 1e-6; and
 * against the DIS goldens ({@code scripts/reference/make_dis_metric_goldens.py}: PySODMetrics 1.6.2 HCE and
 * FmeasureV2 IoU / Dice, the BASNet authors' relaxFb): whole-set numbers and curves within 1e-6, HCE per image
 * equal.
 */
class MetricsCommandTest {

    private static final Path GOLDENS = Paths.get("..", "..", "model", "src", "test", "resources", "metric");
    private static final double TOLERANCE = 1e-6;
    private static final List<String> SCALARS =
            List.of("mae", "sMeasure", "weightedF", "maxF", "meanF", "adpF", "maxE", "meanE", "adpE");

    private static final List<String> DIS_SCALARS = List.of(
            "hce",
            "maxIoU",
            "meanIoU",
            "adpIoU",
            "binaryIoU",
            "maxDice",
            "meanDice",
            "adpDice",
            "binaryDice",
            "relaxFb",
            "relaxedPrecision",
            "relaxedRecall");

    private static JsonNode regular;
    private static JsonNode dis;

    @BeforeAll
    static void readGoldens() throws Exception {
        regular = JsonMapper.builder()
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .build()
                .readTree(GOLDENS.resolve("goldens.json").toFile())
                .get("datasets")
                .get("regular");
        dis = new ObjectMapper()
                .readTree(GOLDENS.resolve("dis").resolve("goldens.json").toFile());
    }

    private static void copyDisSet(Path pred, Path gt) throws Exception {
        Files.createDirectories(pred);
        Files.createDirectories(gt);
        Path pairs = GOLDENS.resolve("dis").resolve("pairs");
        for (JsonNode name : dis.get("dataset").get("images")) {
            Files.copy(pairs.resolve(name.asText() + "_pred.png"), pred.resolve(name.asText() + ".png"));
            Files.copy(pairs.resolve(name.asText() + "_gt.png"), gt.resolve(name.asText() + ".png"));
        }
    }

    /**
     * Several methods in one run: each gets the numbers it gets alone (a copy of the reference maps equals them, a
     * method with one map inverted differs), under its own name in the table and JSON.
     */
    @Test
    void severalMethodsInOneRunEachGetTheirOwnNumbers(@TempDir Path dir) throws Exception {
        Path pred = dir.resolve("pred");
        Path gt = dir.resolve("gt");
        copyDisSet(pred, gt);
        Path copy = dir.resolve("copy");
        Path changed = dir.resolve("changed");
        for (Path method : List.of(copy, changed)) {
            Files.createDirectories(method);
            try (var maps = Files.list(pred)) {
                for (Path map : maps.toList()) {
                    Files.copy(map, method.resolve(map.getFileName()));
                }
            }
        }
        Path first;
        try (var maps = Files.list(changed)) {
            first = maps.sorted().findFirst().orElseThrow();
        }
        BufferedImage image = ImageIO.read(first.toFile());
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.getRaster().setSample(x, y, 0, 255 - image.getRaster().getSample(x, y, 0));
            }
        }
        ImageIO.write(image, "png", first.toFile());
        Path alone = dir.resolve("alone.json");
        assertEquals(
                0,
                CliRun.of("metrics", "--pred", pred.toString(), "--gt", gt.toString(), "--json", alone.toString())
                        .exitCode());
        Path together = dir.resolve("together.json");
        CliRun run = CliRun.of(
                "metrics",
                "--pred",
                "reference=" + pred,
                "--pred",
                copy.toString(),
                "--pred",
                changed.toString(),
                "--gt",
                gt.toString(),
                "--json",
                together.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("changed: pairs "), run.out());
        JsonNode single = new ObjectMapper().readTree(alone.toFile()).get("gt");
        JsonNode several = new ObjectMapper().readTree(together.toFile());
        assertEquals(List.of("reference", "copy", "changed"), iterable(several.fieldNames()));
        for (String metric : DIS_SCALARS) {
            assertEquals(single.get(metric), several.get("reference").get(metric), metric);
            assertEquals(single.get(metric), several.get("copy").get(metric), metric);
        }
        assertNotEquals(single.get("mae"), several.get("changed").get("mae"));

        CliRun twice =
                CliRun.of("metrics", "--pred", pred.toString(), "--pred", pred.toString(), "--gt", gt.toString());
        assertEquals(2, twice.exitCode());
        assertTrue(twice.err().contains("two methods are called 'pred'"), twice.err());
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void disNumbersEqualTheReferenceAndPerImageSortsByHce(@TempDir Path dir) throws Exception {
        Path pred = dir.resolve("pred");
        Path gt = dir.resolve("gt");
        copyDisSet(pred, gt);
        Path json = dir.resolve("m.json");
        Path curves = dir.resolve("c.csv");
        Path perImage = dir.resolve("p.csv");
        CliRun run = CliRun.of(
                "metrics",
                "--pred",
                pred.toString(),
                "--gt",
                gt.toString(),
                "--name",
                "dis",
                "--json",
                json.toString(),
                "--curves",
                curves.toString(),
                "--per-image",
                perImage.toString(),
                "--sort-per-image",
                "hce");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("relaxFb"), run.out());
        JsonNode set = dis.get("dataset");
        JsonNode result = new ObjectMapper().readTree(json.toFile()).get("dis");
        assertEquals(set.get("images").size(), result.get("images").asInt());
        for (String metric : DIS_SCALARS) {
            // the goldens spell IoU as Iou
            assertEquals(
                    set.get(metric.replace("IoU", "Iou")).asDouble(),
                    result.get(metric).asDouble(),
                    TOLERANCE,
                    metric);
        }
        assertTrue(result.get("disConvention").asText().contains("HumanCorrectionEffortMeasure"));

        List<String> curveRows = Files.readAllLines(curves);
        assertEquals("dataset,threshold,precision,recall,f_measure,e_measure,iou,dice", curveRows.get(0));
        assertEquals(1 + 256, curveRows.size());
        for (int i = 0; i < 256; i++) {
            String[] row = curveRows.get(1 + i).split(",");
            assertEquals(set.get("iouCurve").get(i).asDouble(), Double.parseDouble(row[6]), TOLERANCE, "iou " + i);
            assertEquals(set.get("diceCurve").get(i).asDouble(), Double.parseDouble(row[7]), TOLERANCE, "dice " + i);
        }

        Map<String, Integer> hceByName = new HashMap<>();
        dis.get("images")
                .forEach(image -> hceByName.put(
                        image.get("name").asText(), image.get("hce").asInt()));
        List<String> rows = Files.readAllLines(perImage);
        assertEquals(
                "dataset,name,mae,max_f,adaptive_f,weighted_f,s_measure,adaptive_e,"
                        + "hce,adaptive_iou,binary_iou,adaptive_dice,binary_dice,relax_fb",
                rows.get(0));
        assertEquals(1 + set.get("images").size(), rows.size());
        int previous = Integer.MAX_VALUE;
        for (String row : rows.subList(1, rows.size())) {
            String[] fields = row.split(",");
            int hce = Integer.parseInt(fields[8]);
            assertEquals(hceByName.get(fields[1]).intValue(), hce, fields[1] + " HCE");
            assertTrue(hce <= previous, "worst HCE first");
            previous = hce;
        }
        assertTrue(rows.get(1).contains(",speckles,"), "the speckled pair has the largest HCE: " + rows.get(1));
    }

    @Test
    void withoutDisMetricsTheOutputsAreTheSalientObjectOnes(@TempDir Path dir) throws Exception {
        Path pred = dir.resolve("pred");
        Path gt = dir.resolve("gt");
        copyDisSet(pred, gt);
        Path json = dir.resolve("m.json");
        Path curves = dir.resolve("c.csv");
        Path perImage = dir.resolve("p.csv");
        CliRun run = CliRun.of(
                "metrics",
                "--pred",
                pred.toString(),
                "--gt",
                gt.toString(),
                "--no-dis-metrics",
                "--json",
                json.toString(),
                "--curves",
                curves.toString(),
                "--per-image",
                perImage.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.out().contains("relaxFb"), run.out());
        JsonNode result = new ObjectMapper().readTree(json.toFile()).get("gt");
        assertFalse(result.has("hce"));
        assertTrue(result.has("maxF"));
        assertEquals(
                "dataset,threshold,precision,recall,f_measure,e_measure",
                Files.readAllLines(curves).get(0));
        assertEquals(
                "dataset,name,mae,max_f,adaptive_f,weighted_f,s_measure,adaptive_e",
                Files.readAllLines(perImage).get(0));

        CliRun refused = CliRun.of(
                "metrics",
                "--pred",
                pred.toString(),
                "--gt",
                gt.toString(),
                "--no-dis-metrics",
                "--sort-per-image",
                "hce");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("needs the DIS metrics"), refused.err());
        CliRun unknown =
                CliRun.of("metrics", "--pred", pred.toString(), "--gt", gt.toString(), "--sort-per-image", "iou");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("use mae or hce"), unknown.err());
    }

    @Test
    void onlyHceGivesTheReferenceHcePerImageAndNothingElse(@TempDir Path dir) throws Exception {
        Path pred = dir.resolve("pred");
        Path gt = dir.resolve("gt");
        copyDisSet(pred, gt);
        Path json = dir.resolve("m.json");
        Path perImage = dir.resolve("p.csv");
        CliRun run = CliRun.of(
                "metrics",
                "--pred",
                pred.toString(),
                "--gt",
                gt.toString(),
                "--name",
                "dis",
                "--only",
                "hce",
                "--json",
                json.toString(),
                "--per-image",
                perImage.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("HCE"), run.out());
        assertFalse(run.out().contains("maxF") || run.out().contains("relaxFb"), run.out());
        JsonNode set = dis.get("dataset");
        JsonNode result = new ObjectMapper().readTree(json.toFile()).get("dis");
        assertEquals(set.get("images").size(), result.get("images").asInt());
        assertEquals(set.get("hce").asDouble(), result.get("hce").asDouble(), TOLERANCE);
        assertFalse(result.has("maxF") || result.has("maxIoU"), result.toString());

        Map<String, Integer> hceByName = new HashMap<>();
        dis.get("images")
                .forEach(image -> hceByName.put(
                        image.get("name").asText(), image.get("hce").asInt()));
        List<String> rows = Files.readAllLines(perImage);
        assertEquals("dataset,name,hce", rows.get(0));
        assertEquals(1 + hceByName.size(), rows.size());
        int previous = Integer.MAX_VALUE;
        for (String row : rows.subList(1, rows.size())) {
            String[] fields = row.split(",");
            int hce = Integer.parseInt(fields[2]);
            assertEquals(hceByName.get(fields[1]).intValue(), hce, fields[1] + " HCE");
            assertTrue(hce <= previous, "worst HCE first");
            previous = hce;
        }
    }

    @Test
    void onlySodGivesTheSalientObjectMetricsAndUnknownNamesAreUsageErrors(@TempDir Path dir) throws Exception {
        Path pred = dir.resolve("pred");
        Path gt = dir.resolve("gt");
        copyDisSet(pred, gt);
        Path json = dir.resolve("m.json");
        CliRun sod = CliRun.of(
                "metrics",
                "--pred",
                pred.toString(),
                "--gt",
                gt.toString(),
                "--only",
                "sod",
                "--json",
                json.toString());
        assertEquals(0, sod.exitCode(), sod.err());
        JsonNode result = new ObjectMapper().readTree(json.toFile()).get("gt");
        assertTrue(result.has("maxF"));
        assertFalse(result.has("hce"));

        CliRun unknown = CliRun.of("metrics", "--pred", pred.toString(), "--gt", gt.toString(), "--only", "iou");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("unknown metrics 'iou'; use sod or hce"), unknown.err());
        CliRun curves = CliRun.of(
                "metrics",
                "--pred",
                pred.toString(),
                "--gt",
                gt.toString(),
                "--only",
                "hce",
                "--curves",
                dir.resolve("c.csv").toString());
        assertEquals(2, curves.exitCode());
        assertTrue(curves.err().contains("no curves"), curves.err());
        CliRun sortByHce = CliRun.of(
                "metrics",
                "--pred",
                pred.toString(),
                "--gt",
                gt.toString(),
                "--only",
                "sod",
                "--sort-per-image",
                "hce");
        assertEquals(2, sortByHce.exitCode());
        assertTrue(sortByHce.err().contains("needs the DIS metrics"), sortByHce.err());
    }

    private static void copyRegularSet(Path pred, Path gt) throws Exception {
        Files.createDirectories(pred);
        Files.createDirectories(gt);
        for (JsonNode name : regular.get("images")) {
            Files.copy(
                    GOLDENS.resolve("pairs").resolve(name.asText() + "_pred.png"),
                    pred.resolve(name.asText() + ".png"));
            Files.copy(GOLDENS.resolve("pairs").resolve(name.asText() + "_gt.png"), gt.resolve(name.asText() + ".png"));
        }
    }

    @Test
    void wholeSetNumbersEqualPySodMetrics(@TempDir Path dir) throws Exception {
        Path pred = dir.resolve("pred");
        Path gt = dir.resolve("gt");
        copyRegularSet(pred, gt);
        Path json = dir.resolve("m.json");
        Path curves = dir.resolve("c.csv");
        Path perImage = dir.resolve("p.csv");
        CliRun run = CliRun.of(
                "metrics",
                "--pred",
                pred.toString(),
                "--gt",
                gt.toString(),
                "--name",
                "regular",
                "--json",
                json.toString(),
                "--curves",
                curves.toString(),
                "--per-image",
                perImage.toString(),
                "--threads",
                "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("convention: PySODMetrics"), run.out());
        JsonNode result = new ObjectMapper().readTree(json.toFile()).get("regular");
        assertEquals(regular.get("images").size(), result.get("images").asInt());
        for (String metric : SCALARS) {
            assertEquals(regular.get(metric).asDouble(), result.get(metric).asDouble(), TOLERANCE, metric);
        }
        List<String> curveRows = Files.readAllLines(curves);
        assertEquals(1 + 256, curveRows.size());
        String[] first = curveRows.get(1).split(",");
        assertEquals("255", first[1]);
        assertEquals(regular.get("precision").get(0).asDouble(), Double.parseDouble(first[2]), TOLERANCE);
        List<String> rows = Files.readAllLines(perImage);
        assertEquals(1 + regular.get("images").size(), rows.size());
        double previous = Double.POSITIVE_INFINITY;
        for (String row : rows.subList(1, rows.size())) {
            double mae = Double.parseDouble(row.split(",")[2]);
            assertTrue(mae <= previous, "worst first");
            previous = mae;
        }
    }

    @Test
    void badInputIsReportedByNameAndTheRestIsScored(@TempDir Path dir) throws Exception {
        Path pred = dir.resolve("pred");
        Path gt = dir.resolve("gt");
        copyRegularSet(pred, gt);
        Files.writeString(pred.resolve("notes.txt"), "an extra file");
        Files.delete(gt.resolve("noisy_soft.png"));
        Files.delete(pred.resolve("many_objects.png"));
        Files.write(pred.resolve("thin_lines.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        BufferedImage rgb = new BufferedImage(31, 17, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(3, 3, 0xffffff);
        ImageIO.write(rgb, "png", gt.resolve("odd_31x17.png").toFile());

        CliRun run = CliRun.of("metrics", "--pred", pred.toString(), "--gt", gt.toString());
        assertEquals(0, run.exitCode(), run.err());
        int paired = regular.get("images").size() - 2;
        assertTrue(run.out().contains("pairs " + paired + ", evaluated " + (paired - 1) + ", unreadable 1"), run.out());
        assertTrue(run.out().contains("ignored non-image files 1"), run.out());
        assertTrue(run.err().contains("no ground truth for prediction noisy_soft.png"), run.err());
        assertTrue(run.err().contains("no prediction for ground truth many_objects.png"), run.err());
        assertTrue(run.err().contains("thin_lines.png"), run.err());
        assertTrue(run.err().contains("odd_31x17.png: colour ground truth converted to grey"), run.err());
    }

    @Test
    void emptyOrMissingFoldersAreClearErrors(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("empty"));
        CliRun empty = CliRun.of(
                "metrics",
                "--pred",
                dir.resolve("empty").toString(),
                "--gt",
                dir.resolve("empty").toString());
        assertEquals(1, empty.exitCode());
        assertTrue(empty.err().contains("nothing to evaluate"), empty.err());
        CliRun missing = CliRun.of(
                "metrics",
                "--pred",
                dir.resolve("nope").toString(),
                "--gt",
                dir.resolve("empty").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("nope: no such folder"), missing.err());
    }
}
