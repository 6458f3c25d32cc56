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
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EvalJob through the real spark-submit on local[2]: the same numbers as {@code clearbg metrics} on the
 * same data, in prediction mode (the PySODMetrics goldens) and in model mode (a seeded U²-Net†).
 */
class EvalJobIT {

    private static final Path GOLDENS = Paths.get("..", "..", "model", "src", "test", "resources", "metric");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();
    private static final List<String> SCALARS =
            List.of("images", "mae", "sMeasure", "weightedF", "maxF", "meanF", "adpF", "maxE", "meanE", "adpE");

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
        assertEquals(1 + 256, Files.readAllLines(out.resolve("curves.csv")).size());
        assertEquals(
                1 + regular.get("images").size(),
                Files.readAllLines(out.resolve("per_image.csv")).size());
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
    }

    private static int cli(String... args) {
        return ClearBg.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    }
}
