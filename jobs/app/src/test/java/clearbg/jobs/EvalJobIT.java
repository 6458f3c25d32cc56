package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.cli.ClearBg;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EvalJob through the real spark-submit on local[2]: the same numbers as {@code clearbg metrics} on the
 * same data, in prediction mode (the PySODMetrics goldens) and in model mode (a seeded U²-Net†), the DIS metrics
 * (HCE, IoU / Dice, relaxFb) included; and on an IngestJob table of a generated DIS5K layout, the DIS paper's table,
 * the same whether the table is read in one partition or three.
 */
class EvalJobIT {

    private static final Path GOLDENS = Paths.get("..", "..", "model", "src", "test", "resources", "metric");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final List<String> SCALARS =
            List.of("images", "mae", "sMeasure", "weightedF", "maxF", "meanF", "adpF", "maxE", "meanE", "adpE");
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
    private static final List<String> DIS_SPLITS = List.of("DIS-VD", "DIS-TE1", "DIS-TE2", "DIS-TE3", "DIS-TE4");

    @Test
    void predictionModeEqualsTheLocalCommandAndTheGoldens(@TempDir Path dir) throws Exception {
        JsonNode regular = JSON.readTree(GOLDENS.resolve("goldens.json").toFile())
                .get("datasets")
                .get("regular");
        Path pred = Files.createDirectories(dir.resolve("pred"));
        Path gt = Files.createDirectories(dir.resolve("gt"));
        for (JsonNode name : regular.get("images")) {
            Files.copy(
                    GOLDENS.resolve("pairs").resolve(name.asText() + "_pred.png"),
                    pred.resolve(name.asText() + ".png"));
            Files.copy(GOLDENS.resolve("pairs").resolve(name.asText() + "_gt.png"), gt.resolve(name.asText() + ".png"));
        }
        Files.writeString(pred.resolve("broken.png"), "not a png");
        Files.copy(GOLDENS.resolve("pairs").resolve("realistic_blob_gt.png"), gt.resolve("broken.png"));

        Path out = dir.resolve("report");
        SparkSubmit.Result job = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.EvalJob",
                300,
                dir.resolve("eval.log"),
                "--pred",
                pred.toUri().toString(),
                "--gt",
                gt.toUri().toString(),
                "--name",
                "regular",
                "--out",
                out.toUri().toString(),
                "--partitions",
                "3");
        assertEquals(0, job.exitCode(), job.output());
        assertTrue(job.output().contains("unreadable 1"), job.output());
        assertTrue(job.output().contains("broken.png"), job.output());

        Path local = dir.resolve("local.json");
        assertEquals(
                0,
                cli(
                        "metrics",
                        "--pred",
                        pred.toString(),
                        "--gt",
                        gt.toString(),
                        "--name",
                        "regular",
                        "--json",
                        local.toString()));
        JsonNode fromSpark = JSON.readTree(out.resolve("metrics.json").toFile()).get("regular");
        JsonNode fromCli = JSON.readTree(local.toFile()).get("regular");
        for (String metric : SCALARS) {
            assertEquals(
                    fromCli.get(metric).asDouble(), fromSpark.get(metric).asDouble(), 0.0, metric + " (identical)");
            if (!metric.equals("images")) {
                assertEquals(
                        regular.get(metric).asDouble(), fromSpark.get(metric).asDouble(), 1e-6, metric + " (golden)");
            }
        }
        for (String metric : DIS_SCALARS) {
            assertTrue(fromSpark.has(metric), metric);
            assertEquals(
                    fromCli.get(metric).asDouble(), fromSpark.get(metric).asDouble(), 0.0, metric + " (identical)");
        }
        assertEquals(1 + 256, Files.readAllLines(out.resolve("curves.csv")).size());
        assertTrue(Files.readAllLines(out.resolve("curves.csv")).get(0).endsWith(",iou,dice"));
        assertEquals(
                1 + regular.get("images").size(),
                Files.readAllLines(out.resolve("per_image.csv")).size());
        assertTrue(Files.readAllLines(out.resolve("per_image.csv")).get(0).contains(",hce,"));
        assertTrue(ImageIO.read(out.resolve("pr_curve.png").toFile()).getWidth() > 100);
        assertTrue(fromSpark.get("convention").asText().contains("max over thresholds of the mean curve"));
    }

    @Test
    void modelModeEqualsRemoveThenMetrics(@TempDir Path dir) throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        Path gt = Files.createDirectories(dir.resolve("gt"));
        for (int i = 0; i < 5; i++) {
            BufferedImage photo = new BufferedImage(60 + 7 * i, 50 + 5 * i, BufferedImage.TYPE_INT_RGB);
            BufferedImage mask = new BufferedImage(photo.getWidth(), photo.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D p = photo.createGraphics();
            Graphics2D m = mask.createGraphics();
            p.setColor(new Color(30, 60 + 20 * i, 120));
            p.fillRect(0, 0, photo.getWidth(), photo.getHeight());
            p.setColor(Color.ORANGE);
            m.setColor(Color.WHITE);
            p.fillOval(10 + i, 8, 30, 25);
            m.fillOval(10 + i, 8, 30, 25);
            p.dispose();
            m.dispose();
            ImageIO.write(photo, "png", images.resolve("im" + i + ".png").toFile());
            ImageIO.write(mask, "png", gt.resolve("im" + i + ".png").toFile());
        }
        Path weights = dir.resolve("w.safetensors");
        assertEquals(0, cli("init", "--arch", "u2netp", "--seed", "4", weights.toString()));

        Path out = dir.resolve("report");
        SparkSubmit.Result job = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.EvalJob",
                300,
                dir.resolve("eval.log"),
                "--weights",
                weights.toUri().toString(),
                "--images",
                images.toUri().toString(),
                "--gt",
                gt.toUri().toString(),
                "--name",
                "toy",
                "--out",
                out.toUri().toString(),
                "--batch",
                "1");
        assertEquals(0, job.exitCode(), job.output());

        Path masks = dir.resolve("masks");
        assertEquals(
                0,
                cli(
                        "remove",
                        "--weights",
                        weights.toString(),
                        images.toString(),
                        "--out",
                        masks.toString(),
                        "--mask-only",
                        "--batch",
                        "1"));
        Path local = dir.resolve("local.json");
        assertEquals(
                0,
                cli(
                        "metrics",
                        "--pred",
                        masks.toString(),
                        "--gt",
                        gt.toString(),
                        "--name",
                        "toy",
                        "--json",
                        local.toString()));
        JsonNode fromSpark = JSON.readTree(out.resolve("metrics.json").toFile()).get("toy");
        JsonNode fromCli = JSON.readTree(local.toFile()).get("toy");
        for (String metric : SCALARS) {
            assertEquals(fromCli.get(metric).asDouble(), fromSpark.get(metric).asDouble(), 0.0, metric);
        }
        for (String metric : DIS_SCALARS) {
            assertEquals(fromCli.get(metric).asDouble(), fromSpark.get(metric).asDouble(), 0.0, metric);
        }
    }

    @Test
    void disTableOfATableIsPartitionInvariantAndEqualsTheLocalCommand(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("dis5k");
        assertEquals(
                0,
                cli(
                        "synth",
                        "--layout",
                        "dis5k",
                        "--out",
                        data.toString(),
                        "--train",
                        "2",
                        "--test",
                        "4",
                        "--size",
                        "48x40",
                        "--seed",
                        "5"));
        Path table = dir.resolve("table");
        SparkSubmit.Result ingest = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.IngestJob",
                300,
                dir.resolve("ingest.log"),
                "--source",
                data.toUri().toString(),
                "--out",
                table.toUri().toString());
        assertEquals(0, ingest.exitCode(), ingest.output());
        Path weights = dir.resolve("w.safetensors");
        assertEquals(0, cli("init", "--arch", "u2netp", "--seed", "4", weights.toString()));

        JsonNode[] metrics = new JsonNode[2];
        JsonNode[] tables = new JsonNode[2];
        List<List<String>> perImage = new ArrayList<>();
        String[] partitions = {"1", "3"};
        for (int i = 0; i < 2; i++) {
            Path out = dir.resolve("report" + partitions[i]);
            SparkSubmit.Result job = SparkSubmit.run(
                    "local[2]",
                    "clearbg.jobs.EvalJob",
                    300,
                    dir.resolve("eval" + partitions[i] + ".log"),
                    "--weights",
                    weights.toUri().toString(),
                    "--table",
                    table.toUri().toString(),
                    "--datasets",
                    String.join(",", DIS_SPLITS),
                    "--size",
                    "64",
                    "--dis-table",
                    "--sort-per-image",
                    "hce",
                    "--out",
                    out.toUri().toString(),
                    "--partitions",
                    partitions[i]);
            assertEquals(0, job.exitCode(), job.output());
            assertTrue(job.output().contains("| DIS-TE(1-4) | 16 |"), job.output());
            metrics[i] = JSON.readTree(out.resolve("metrics.json").toFile());
            tables[i] = JSON.readTree(out.resolve("dis_table.json").toFile());
            perImage.add(Files.readAllLines(out.resolve("per_image.csv")));
            String markdown = Files.readString(out.resolve("dis_table.md"));
            assertTrue(markdown.contains("pooled"), markdown);
            assertTrue(markdown.startsWith("| split | images | maxF"), markdown);
        }
        assertEquals(metrics[0], metrics[1], "metrics.json: 1 partition vs 3");
        assertEquals(tables[0], tables[1], "dis_table.json: 1 partition vs 3");
        assertEquals(perImage.get(0), perImage.get(1), "per_image.csv: 1 partition vs 3");
        assertEquals(1 + 20, perImage.get(0).size());
        int previous = Integer.MAX_VALUE;
        for (String row : perImage.get(0).subList(1, 21)) {
            int hce = Integer.parseInt(row.split(",")[8]);
            assertTrue(hce <= previous, "per_image.csv worst HCE first");
            previous = hce;
        }

        JsonNode rows = tables[0].get("rows");
        List<String> names = new ArrayList<>();
        rows.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("DIS-VD", "DIS-TE1", "DIS-TE2", "DIS-TE3", "DIS-TE4", "DIS-TE(1-4)"), names);
        JsonNode overall = rows.get("DIS-TE(1-4)");
        assertEquals(16, overall.get("images").asInt());
        // pooled over equal splits: each per-image mean is the mean of the four splits' means
        for (String metric : List.of("hce", "mae", "sMeasure", "weightedF", "relaxFb", "binaryIoU")) {
            double sum = 0;
            for (String split : DIS_SPLITS.subList(1, 5)) {
                sum += rows.get(split).get(metric).asDouble();
                assertEquals(
                        metrics[0].get(split).get(metric).asDouble(),
                        rows.get(split).get(metric).asDouble(),
                        0.0,
                        split + " " + metric + ": table and metrics.json");
            }
            assertEquals(sum / 4, overall.get(metric).asDouble(), 1e-12, "pooled " + metric);
        }

        Path masks = dir.resolve("masks");
        assertEquals(
                0,
                cli(
                        "remove",
                        "--weights",
                        weights.toString(),
                        "--size",
                        "64",
                        data.resolve("DIS-TE1").resolve("im").toString(),
                        "--out",
                        masks.toString(),
                        "--mask-only"));
        Path local = dir.resolve("local.json");
        assertEquals(
                0,
                cli(
                        "metrics",
                        "--pred",
                        masks.toString(),
                        "--gt",
                        data.resolve("DIS-TE1").resolve("gt").toString(),
                        "--name",
                        "DIS-TE1",
                        "--json",
                        local.toString()));
        JsonNode fromCli = JSON.readTree(local.toFile()).get("DIS-TE1");
        JsonNode fromSpark = metrics[0].get("DIS-TE1");
        for (String metric : SCALARS) {
            assertEquals(fromCli.get(metric).asDouble(), fromSpark.get(metric).asDouble(), 0.0, metric);
        }
        for (String metric : DIS_SCALARS) {
            assertEquals(fromCli.get(metric).asDouble(), fromSpark.get(metric).asDouble(), 0.0, metric);
        }
    }

    private static int cli(String... args) {
        return ClearBg.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    }
}
