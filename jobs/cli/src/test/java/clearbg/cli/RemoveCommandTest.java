package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.image.ImageDecoder;
import clearbg.model.matting.AlphaMatting;
import clearbg.model.predict.Bf16Support;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.MaskPostProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clearbg remove} end to end on generated images with the small model. */
class RemoveCommandTest {

    @TempDir
    static Path shared;

    static Path weights;

    @BeforeAll
    static void writeWeights() {
        weights = shared.resolve("u2netp.safetensors");
        assertEquals(
                0,
                CliRun.of("init", "--arch", "u2netp", "--seed", "11", weights.toString())
                        .exitCode());
    }

    @Test
    void cutsOutFoldersRecursivelyKeepingTheLayoutAndSkipsExistingOutputs(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        write(in.resolve("a.jpg"), photo(90, 70), "jpg");
        write(in.resolve("sub/deeper/b.png"), photo(64, 128), "png");
        write(in.resolve("sub/c.bmp"), photo(41, 33), "bmp");
        Files.writeString(in.resolve("sub/readme.txt"), "not an image");
        Map<String, String> before = hashes(in);
        Path out = dir.resolve("out");

        CliRun first = CliRun.of(
                "remove", "--weights", weights.toString(), in.toString(), "--out", out.toString(), "--batch", "2");
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.out().contains("done 3, skipped 0"), first.out());
        assertTrue(first.out().contains("not images 1"), first.out());
        assertSize(out.resolve("a.png"), 90, 70, true);
        assertSize(out.resolve("sub/deeper/b.png"), 64, 128, true);
        assertSize(out.resolve("sub/c.png"), 41, 33, true);
        assertEquals(before, hashes(in), "inputs are never modified");

        CliRun second = CliRun.of("remove", "--weights", weights.toString(), in.toString(), "--out", out.toString());
        assertEquals(0, second.exitCode(), second.err());
        assertTrue(second.out().contains("done 0, skipped 3"), second.out());

        CliRun masks = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.resolve("a.jpg").toString(),
                "--out",
                dir.resolve("masks").toString(),
                "--mask-only");
        assertEquals(0, masks.exitCode(), masks.err());
        assertSize(dir.resolve("masks/a.png"), 90, 70, false);

        CliRun white = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.resolve("a.jpg").toString(),
                "--out",
                dir.resolve("white").toString(),
                "--bgcolor",
                "255,255,255");
        assertEquals(0, white.exitCode(), white.err());
        assertFalse(ImageIO.read(dir.resolve("white/a.png").toFile())
                .getColorModel()
                .hasAlpha());
    }

    @Test
    void badInputsAreReportedByNameAndDoNotStopTheRun(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        write(in.resolve("good.png"), photo(50, 40), "png");
        byte[] jpeg = encode(photo(60, 60), "jpg");
        Files.createDirectories(in);
        Files.write(in.resolve("truncated.jpg"), java.util.Arrays.copyOf(jpeg, jpeg.length / 2));
        Files.write(in.resolve("empty.png"), new byte[0]);
        Files.writeString(in.resolve("text.png"), "hello, I am text");
        write(in.resolve("huge.png"), photo(400, 300), "png");
        Path out = dir.resolve("out");

        CliRun run = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                out.toString(),
                "--max-pixels",
                "100000");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("done 1,"), run.out());
        assertTrue(run.out().contains("failed 4"), run.out());
        assertTrue(run.err().contains("truncated.jpg: truncated JPEG"), run.err());
        assertTrue(run.err().contains("empty.png: empty file"), run.err());
        assertTrue(run.err().contains("text.png: not an image"), run.err());
        assertTrue(run.err().contains("huge.png: image is 400x300"), run.err());
        assertTrue(Files.exists(out.resolve("good.png")));
        assertFalse(Files.exists(out.resolve("truncated.png")));
        try (Stream<Path> files = Files.walk(out)) {
            assertEquals(1, files.filter(Files::isRegularFile).count(), "no temporary files are left");
        }
    }

    @Test
    void anInputIsNeverOverwrittenEvenWhenItIsInTheOutputFolderOrBehindALink(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("photos");
        write(folder.resolve("a.png"), photo(50, 40), "png");
        Map<String, String> before = hashes(folder);
        CliRun self = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                folder.resolve("a.png").toString(),
                "--out",
                folder.toString(),
                "--overwrite");
        assertEquals(1, self.exitCode(), self.err());
        assertTrue(self.err().contains("a.png is an input file, which is never overwritten"), self.err());
        assertEquals(before, hashes(folder), "the input is untouched");

        Path link = Files.createSymbolicLink(dir.resolve("link"), folder);
        CliRun behindLink = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                folder.toString(),
                "--out",
                link.resolve("cutouts").toString());
        assertEquals(2, behindLink.exitCode(), behindLink.err());
        assertTrue(behindLink.err().contains("is inside the input folder"), behindLink.err());
        assertEquals(before, hashes(folder));
    }

    @Test
    void aLinkInTheOutputFolderIntoTheInputsADanglingLinkAndAControlCharacterAreReported(@TempDir Path dir)
            throws Exception {
        Path in = dir.resolve("in");
        write(in.resolve("sub/b.png"), photo(40, 30), "png");
        write(in.resolve("c.png"), photo(40, 30), "png");
        Files.writeString(in.resolve("fake\nclearbg: done 999.png"), "not an image"); // its error names it
        Files.createSymbolicLink(in.resolve("gone.png"), in.resolve("never-there.png"));
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.createSymbolicLink(out.resolve("sub"), in); // OUT/sub/b.png would be IN/b.png
        Map<String, String> before = hashes(in);
        CliRun run = CliRun.of("remove", "--weights", weights.toString(), in.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("inside the input folder"), run.err());
        assertTrue(run.err().contains("gone.png: a symbolic link to a file that does not exist"), run.err());
        assertEquals(before, hashes(in), "nothing was written into the input folder");
        assertTrue(Files.exists(out.resolve("c.png")), "the other inputs were done");
        assertTrue(run.out().lines().noneMatch(line -> line.startsWith("clearbg: done 999")), run.out());
        assertTrue(run.err().lines().noneMatch(line -> line.startsWith("clearbg: done 999")), run.err());
        assertTrue(run.err().contains("fake\\nclearbg: done 999.png"), "the name, escaped: " + run.err());
    }

    @Test
    void exitsWithOneWhenNothingCouldBeProcessedAndTwoOnUsageErrors(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        Files.createDirectories(in);
        Files.writeString(in.resolve("bad.jpg"), "text");
        assertEquals(
                1,
                CliRun.of(
                                "remove",
                                "--weights",
                                weights.toString(),
                                in.toString(),
                                "--out",
                                dir.resolve("o").toString())
                        .exitCode());
        assertEquals(
                1,
                CliRun.of(
                                "remove",
                                "--weights",
                                weights.toString(),
                                dir.resolve("missing").toString(),
                                "--out",
                                dir.resolve("o").toString())
                        .exitCode());

        CliRun inside = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                in.resolve("out").toString());
        assertEquals(2, inside.exitCode());
        assertTrue(inside.err().contains("inside the input folder"), inside.err());
        assertEquals(
                2,
                CliRun.of(
                                "remove",
                                "--weights",
                                weights.toString(),
                                in.toString(),
                                "--out",
                                "o",
                                "--bgcolor",
                                "300,0,0")
                        .exitCode());
        assertEquals(
                2,
                CliRun.of("remove", "--weights", dir.resolve("nope.pth").toString(), in.toString(), "--out", "o")
                        .exitCode());
        CliRun tooSmall =
                CliRun.of("remove", "--weights", weights.toString(), in.toString(), "--out", "o", "--size", "16");
        assertEquals(2, tooSmall.exitCode(), tooSmall.err());
        assertTrue(tooSmall.err().contains("--size must be at least 32, got 16"), tooSmall.err());

        CliRun wrongArch = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                "--arch",
                "u2net",
                in.toString(),
                "--out",
                dir.resolve("o").toString());
        assertEquals(1, wrongArch.exitCode());
        assertTrue(wrongArch.err().contains("holds u2netp weights"), wrongArch.err());
    }

    static BufferedImage photo(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(40, 90, 160));
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(240, 200, 30));
            g.fillOval(width / 4, height / 4, width / 2, height / 2);
        } finally {
            g.dispose();
        }
        return image;
    }

    @Test
    void alphaMattingRefinesCutOutsButNotMasks(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        write(in.resolve("p.png"), photo(80, 60), "png");
        CliRun mask = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("mask").toString(),
                "--mask-only",
                "--alpha-matting");
        assertEquals(0, mask.exitCode(), mask.err());
        CliRun matted = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("cut").toString(),
                "--alpha-matting",
                "--alpha-matting-foreground-threshold",
                "200",
                "--alpha-matting-background-threshold",
                "40",
                "--alpha-matting-erode-size",
                "3");
        assertEquals(0, matted.exitCode(), matted.err());
        byte[] maskValues = grey(ImageIO.read(dir.resolve("mask/p.png").toFile()));
        AlphaMatting.Cutout expected =
                new AlphaMatting(200, 40, 3).apply(new ImageDecoder().decode(in.resolve("p.png")), maskValues);
        BufferedImage cut = ImageIO.read(dir.resolve("cut/p.png").toFile());
        byte[] alpha = new byte[maskValues.length];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = (byte) cut.getAlphaRaster().getSample(i % 80, i / 80, 0);
        }
        assertArrayEquals(expected.alpha(), alpha);
        assertEquals(
                2,
                CliRun.of(
                                "remove",
                                "--weights",
                                weights.toString(),
                                in.toString(),
                                "--out",
                                dir.resolve("x").toString(),
                                "--alpha-matting",
                                "--alpha-matting-foreground-threshold",
                                "256")
                        .exitCode());
    }

    /** The first band of {@code image}, row by row. */
    static byte[] grey(BufferedImage image) {
        int w = image.getWidth();
        byte[] values = new byte[w * image.getHeight()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (byte) image.getRaster().getSample(i % w, i / w, 0);
        }
        return values;
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, bytes), format);
        return bytes.toByteArray();
    }

    static void write(Path file, BufferedImage image, String format) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, encode(image, format));
    }

    private static void assertSize(Path png, int width, int height, boolean alpha) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(width, image.getWidth(), png.toString());
        assertEquals(height, image.getHeight(), png.toString());
        assertEquals(alpha, image.getColorModel().hasAlpha(), png.toString());
    }

    private static Map<String, String> hashes(Path root) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                hashes.put(
                        root.relativize(file).toString(),
                        HexFormat.of().formatHex(digest) + "@" + Files.getLastModifiedTime(file));
            }
        }
        return hashes;
    }

    @Test
    void timingsFileSplitsTheRunIntoPhasesThatFitInsideTheWallTime(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        write(in.resolve("p.jpg"), photo(96, 64), "jpg");
        write(in.resolve("q.png"), photo(70, 90), "png");
        Path timings = dir.resolve("t.json");
        long before = System.nanoTime();
        CliRun run = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("out").toString(),
                "--mask-only",
                "--batch",
                "1",
                "--workers",
                "1",
                "--timings",
                timings.toString());
        double outside = (System.nanoTime() - before) / 1e9;
        assertEquals(0, run.exitCode(), run.err());

        JsonNode report = new ObjectMapper().readTree(timings.toFile());
        assertEquals(2, report.get("images").asInt());
        double wall = report.get("wall_seconds").asDouble();
        assertTrue(wall > 0 && wall <= outside, "wall " + wall + " s, measured around the command " + outside + " s");
        double sum = 0;
        for (String phase : new String[] {"load", "list", "decode", "resize", "forward", "encode", "write"}) {
            double seconds = report.get("phase_seconds").get(phase).asDouble();
            assertTrue(seconds > 0, phase + " took " + seconds + " s");
            sum += seconds;
        }
        assertTrue(sum <= wall, "phases sum to " + sum + " s, more than the wall time " + wall + " s");
        assertEquals(7, report.get("phase_seconds").size());
    }

    @Test
    void batchingDoesNotChangeTheMasks(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        write(in.resolve("p.jpg"), photo(77, 51), "jpg");
        write(in.resolve("q.png"), photo(120, 95), "png");
        assertEquals(
                0,
                CliRun.of(
                                "remove",
                                "--weights",
                                weights.toString(),
                                in.toString(),
                                "--out",
                                dir.resolve("one").toString(),
                                "--mask-only",
                                "--batch",
                                "1")
                        .exitCode());
        assertEquals(
                0,
                CliRun.of(
                                "remove",
                                "--weights",
                                weights.toString(),
                                in.toString(),
                                "--out",
                                dir.resolve("two").toString(),
                                "--mask-only",
                                "--batch",
                                "2")
                        .exitCode());
        assertMasksWithinOneLevel(dir.resolve("one"), dir.resolve("two"), "p.png", "q.png");
    }

    @Test
    void enginesAndWorkerCountsGiveTheSameMasks(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        String[] names = new String[6];
        for (int i = 0; i < names.length; i++) {
            write(in.resolve("p" + i + ".png"), photo(60 + 7 * i, 50 + 3 * i), "png");
            names[i] = "p" + i + ".png";
        }
        CliRun parallel = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("ort").toString(),
                "--mask-only",
                "--engine",
                "onnxruntime",
                "--workers",
                "3");
        assertEquals(0, parallel.exitCode(), parallel.err());
        CliRun serial = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("torch").toString(),
                "--mask-only",
                "--engine",
                "pytorch",
                "--workers",
                "1");
        assertEquals(0, serial.exitCode(), serial.err());
        assertMasksWithinOneLevel(dir.resolve("ort"), dir.resolve("torch"), names);
        assertEquals(
                2,
                CliRun.of(
                                "remove",
                                "--weights",
                                weights.toString(),
                                in.toString(),
                                "--out",
                                dir.resolve("x").toString(),
                                "--engine",
                                "tensorflow")
                        .exitCode());
    }

    @Test
    void bf16GivesMasksNearFp32OnesOrSaysWhyItRunsFp32(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        String[] names = new String[4];
        for (int i = 0; i < names.length; i++) {
            write(in.resolve("p" + i + ".png"), photo(90 + 11 * i, 70 + 5 * i), "png");
            names[i] = "p" + i + ".png";
        }
        CliRun fp32 = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("fp32").toString(),
                "--mask-only");
        assertEquals(0, fp32.exitCode(), fp32.err());
        CliRun bf16 = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("bf16").toString(),
                "--mask-only",
                "--precision",
                "bf16",
                "--workers",
                "2");
        assertEquals(0, bf16.exitCode(), bf16.err());
        Bf16Support support = Bf16Support.detect();
        if (support.fast()) {
            assertFalse(bf16.err().contains("computing in fp32"), bf16.err());
            for (String name : names) {
                byte[] a = grey(ImageIO.read(dir.resolve("fp32").resolve(name).toFile()));
                byte[] b = grey(ImageIO.read(dir.resolve("bf16").resolve(name).toFile()));
                long sum = 0;
                for (int i = 0; i < a.length; i++) {
                    sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
                }
                double mean = (double) sum / a.length;
                assertTrue(mean <= 1.0, name + ": bf16 masks " + mean + " levels from fp32 on average");
            }
        } else {
            assertTrue(bf16.err().contains(support.why() + ": computing in fp32"), bf16.err());
            assertMasksWithinOneLevel(dir.resolve("fp32"), dir.resolve("bf16"), names);
        }
        CliRun refused = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("x").toString(),
                "--precision",
                "bf16",
                "--engine",
                "onnxruntime");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().contains("--precision bf16 runs on libtorch"), refused.err());
    }

    @Test
    void postProcessGivesRembgsSmoothedMask(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("in");
        write(in.resolve("p.png"), photo(130, 90), "png");
        CliRun raw = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("raw").toString(),
                "--mask-only");
        assertEquals(0, raw.exitCode(), raw.err());
        CliRun ppm = CliRun.of(
                "remove",
                "--weights",
                weights.toString(),
                in.toString(),
                "--out",
                dir.resolve("ppm").toString(),
                "--mask-only",
                "--post-process");
        assertEquals(0, ppm.exitCode(), ppm.err());
        BufferedImage mask = ImageIO.read(dir.resolve("raw/p.png").toFile());
        MaskImage expected = MaskPostProcess.apply(new MaskImage(mask.getWidth(), mask.getHeight(), grey(mask)));
        assertArrayEquals(
                expected.values(), grey(ImageIO.read(dir.resolve("ppm/p.png").toFile())));
    }

    private static void assertMasksWithinOneLevel(Path first, Path second, String... names) throws IOException {
        for (String name : names) {
            BufferedImage a = ImageIO.read(first.resolve(name).toFile());
            BufferedImage b = ImageIO.read(second.resolve(name).toFile());
            assertEquals(a.getWidth(), b.getWidth(), name);
            int worst = 0;
            for (int y = 0; y < a.getHeight(); y++) {
                for (int x = 0; x < a.getWidth(); x++) {
                    worst = Math.max(
                            worst,
                            Math.abs(a.getRaster().getSample(x, y, 0)
                                    - b.getRaster().getSample(x, y, 0)));
                }
            }
            assertTrue(
                    worst <= 1,
                    name + ": " + first.getFileName() + " and " + second.getFileName() + " differ by " + worst
                            + " levels");
        }
    }
}
