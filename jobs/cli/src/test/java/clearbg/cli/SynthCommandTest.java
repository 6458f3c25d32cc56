package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.synth.SceneGenerator;
import clearbg.model.synth.ShapeFamily;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthCommandTest {

    @Test
    void writesTheExactDutsAndDisLayoutsDeterministically(@TempDir Path dir) throws Exception {
        assertEquals(
                0,
                CliRun.of(
                                "synth",
                                "--layout",
                                "duts",
                                "--out",
                                dir.resolve("a").toString(),
                                "--train",
                                "3",
                                "--test",
                                "2",
                                "--size",
                                "96x64",
                                "--seed",
                                "5")
                        .exitCode());
        assertEquals(
                0,
                CliRun.of(
                                "synth",
                                "--layout",
                                "duts",
                                "--out",
                                dir.resolve("b").toString(),
                                "--train",
                                "3",
                                "--test",
                                "2",
                                "--size",
                                "96x64",
                                "--seed",
                                "5")
                        .exitCode());
        List<String> files = list(dir.resolve("a"));
        assertEquals(
                List.of(
                        "DUTS-TE/DUTS-TE-Image/synth_duts_te_000001.jpg",
                                "DUTS-TE/DUTS-TE-Image/synth_duts_te_000002.jpg",
                        "DUTS-TE/DUTS-TE-Mask/synth_duts_te_000001.png",
                                "DUTS-TE/DUTS-TE-Mask/synth_duts_te_000002.png",
                        "DUTS-TR/DUTS-TR-Image/synth_duts_tr_000001.jpg",
                                "DUTS-TR/DUTS-TR-Image/synth_duts_tr_000002.jpg",
                        "DUTS-TR/DUTS-TR-Image/synth_duts_tr_000003.jpg",
                                "DUTS-TR/DUTS-TR-Mask/synth_duts_tr_000001.png",
                        "DUTS-TR/DUTS-TR-Mask/synth_duts_tr_000002.png",
                                "DUTS-TR/DUTS-TR-Mask/synth_duts_tr_000003.png"),
                files);
        for (String file : files) {
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("a").resolve(file)),
                    Files.readAllBytes(dir.resolve("b").resolve(file)),
                    file);
        }
        BufferedImage photo = ImageIO.read(
                dir.resolve("a/DUTS-TR/DUTS-TR-Image/synth_duts_tr_000001.jpg").toFile());
        assertEquals(96, photo.getWidth());
        assertEquals(64, photo.getHeight());

        assertEquals(
                0,
                CliRun.of(
                                "synth",
                                "--layout",
                                "dis5k",
                                "--out",
                                dir.resolve("d").toString(),
                                "--train",
                                "2",
                                "--test",
                                "1",
                                "--size",
                                "64x64")
                        .exitCode());
        List<String> dis = list(dir.resolve("d"));
        assertEquals(2 * 2 + 5 * 2, dis.size());
        assertTrue(dis.contains("DIS-TE4/gt/synth_dis_te4_000001.png"), dis.toString());
        assertTrue(dis.contains("DIS-VD/im/synth_dis_vd_000001.jpg"), dis.toString());
        assertEquals(
                2,
                CliRun.of("synth", "--layout", "coco", "--out", dir.resolve("x").toString())
                        .exitCode());
    }

    @Test
    void masksHaveAntiAliasedEdgesAndEveryFamilyAppears() {
        SceneGenerator generator = new SceneGenerator(120, 90);
        Set<ShapeFamily> seen = EnumSet.noneOf(ShapeFamily.class);
        boolean different = false;
        byte[] first = null;
        for (long seed = 0; seed < 40; seed++) {
            var scene = generator.generate(seed, 0.1);
            seen.add(scene.family());
            byte[] mask = ((DataBufferByte) scene.mask().getRaster().getDataBuffer()).getData();
            boolean zero = false;
            boolean full = false;
            boolean partial = false;
            int object = 0;
            for (byte b : mask) {
                int v = b & 0xff;
                zero |= v == 0;
                full |= v == 255;
                partial |= v > 0 && v < 255;
                object += v > 128 ? 1 : 0;
            }
            assertTrue(zero && full && partial, "seed " + seed + ": background, object and anti-aliased edges");
            assertTrue(
                    object > 0.005 * mask.length && object < 0.9 * mask.length,
                    "seed " + seed + ": object share " + object);
            if (first == null) {
                first = mask.clone();
            } else {
                different |= !Arrays.equals(first, mask);
            }
        }
        assertEquals(EnumSet.allOf(ShapeFamily.class), seen);
        assertTrue(different);
        assertFalse(seen.isEmpty());
    }

    private static List<String> list(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> root.relativize(f).toString())
                    .sorted()
                    .toList();
        }
    }
}
