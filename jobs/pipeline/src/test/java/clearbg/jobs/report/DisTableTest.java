package clearbg.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.metric.DisAccumulator;
import clearbg.model.metric.DisStats;
import clearbg.model.metric.GreyImage;
import clearbg.model.metric.ImageStats;
import clearbg.model.metric.SodAccumulator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The DIS table over real per-image statistics of generated pairs: the pooled test row is the mean over the
 * pooled images (not the mean of the splits' means, which differs for splits of different sizes), the rows keep
 * the order given, and the per-image CSV sorts by HCE.
 */
class DisTableTest {

    private static final int SIDE = 24;

    /** A blob ground truth and a noisy, shifted prediction of it. */
    private static GreyImage[] pair(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int cx = 6 + random.nextInt(12);
        int cy = 6 + random.nextInt(12);
        int r = 3 + random.nextInt(5);
        int shift = random.nextInt(4);
        int[] gt = new int[SIDE * SIDE];
        int[] pred = new int[SIDE * SIDE];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                int e2 = (x - cx - shift) * (x - cx - shift) + (y - cy) * (y - cy);
                gt[y * SIDE + x] = d2 <= r * r ? 255 : 0;
                int value = e2 <= r * r ? 200 + random.nextInt(56) : random.nextInt(90);
                pred[y * SIDE + x] = random.nextInt(40) == 0 ? 255 - value : value;
            }
        }
        return new GreyImage[] {GreyImage.ofInts(SIDE, SIDE, pred), GreyImage.ofInts(SIDE, SIDE, gt)};
    }

    private record Split(SodAccumulator sod, DisAccumulator dis, List<PerImageRow> rows) {}

    private static Split split(String name, int images, long seed) {
        SodAccumulator sod = new SodAccumulator();
        DisAccumulator dis = new DisAccumulator();
        List<PerImageRow> rows = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            GreyImage[] p = pair(seed * 1000 + i);
            ImageStats stats = ImageStats.of(p[0], p[1]);
            DisStats disStats = DisStats.of(p[0], p[1]);
            sod.add(stats);
            dis.add(disStats);
            rows.add(PerImageRow.of(name, name + "_" + i, stats, disStats));
        }
        return new Split(sod, dis, rows);
    }

    @Test
    void pooledRowIsTheMeanOverTheTestSplitsImages() throws Exception {
        Map<String, Split> splits = new LinkedHashMap<>();
        splits.put("DIS-VD", split("DIS-VD", 3, 1));
        splits.put("DIS-TE1", split("DIS-TE1", 2, 2));
        splits.put("DIS-TE2", split("DIS-TE2", 5, 3));
        splits.put("DIS-TE3", split("DIS-TE3", 1, 4));
        Map<String, SodAccumulator> sod = new LinkedHashMap<>();
        Map<String, DisAccumulator> dis = new LinkedHashMap<>();
        splits.forEach((name, s) -> {
            sod.put(name, s.sod());
            dis.put(name, s.dis());
        });
        DisTable table = DisTable.of(sod, dis);

        assertEquals(
                List.of("DIS-VD", "DIS-TE1", "DIS-TE2", "DIS-TE3", DisTable.OVERALL),
                table.rows().stream().map(DisTable.Row::name).toList());
        assertEquals(List.of("DIS-TE1", "DIS-TE2", "DIS-TE3"), table.pooled());
        DisTable.Row overall = table.rows().get(4);
        assertEquals(8, overall.sod().images());
        double hceSum = 0;
        double maeSum = 0;
        double meanOfMeans = 0;
        for (String name : List.of("DIS-TE1", "DIS-TE2", "DIS-TE3")) {
            for (PerImageRow row : splits.get(name).rows()) {
                hceSum += row.dis().hce();
                maeSum += row.mae();
            }
            meanOfMeans += splits.get(name).dis().result().hce() / 3;
        }
        assertEquals(hceSum / 8, overall.dis().hce(), 1e-12);
        assertEquals(maeSum / 8, overall.sod().mae(), 1e-12);
        assertNotEquals(meanOfMeans, overall.dis().hce(), 1e-9, "splits of different sizes: pooled != mean of means");
        // the accumulators given are left unchanged
        assertEquals(2, dis.get("DIS-TE1").images());

        String markdown = table.markdown();
        assertTrue(markdown.startsWith("| split | images | maxF ↑ | wF ↑ | MAE ↓ | S ↑ | meanE ↑ | HCE ↓ |"), markdown);
        assertTrue(markdown.contains("| " + DisTable.OVERALL + " | 8 |"), markdown);
        assertTrue(markdown.contains("8 images of DIS-TE1, DIS-TE2, DIS-TE3 pooled"), markdown);
        JsonNode json = new ObjectMapper().readTree(table.json());
        assertEquals(
                overall.dis().hce(),
                json.get("rows").get(DisTable.OVERALL).get("hce").asDouble(),
                0.0);
        assertEquals(
                overall.sod().maxF(),
                json.get("rows").get(DisTable.OVERALL).get("maxF").asDouble(),
                0.0);
        assertEquals("DIS-TE2", json.get("overall").get("pooled").get(1).asText());
    }

    @Test
    void noPooledRowForOneTestSplitAndNoTableWithoutDisMetrics() {
        Split te1 = split("DIS-TE1", 2, 7);
        DisTable table = DisTable.of(Map.of("DIS-TE1", te1.sod()), Map.of("DIS-TE1", te1.dis()));
        assertEquals(1, table.rows().size());
        assertTrue(table.pooled().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> DisTable.of(Map.of("DIS-TE1", te1.sod()), Map.of()));
    }

    @Test
    void perImageCsvSortsByHceWorstFirst() {
        List<PerImageRow> rows = new ArrayList<>(split("DIS-TE1", 6, 11).rows());
        String[] lines = MetricsReport.perImageCsv(rows, PerImageOrder.HCE).split("\n");
        assertEquals(7, lines.length);
        assertTrue(lines[0].endsWith(",hce,adaptive_iou,binary_iou,adaptive_dice,binary_dice,relax_fb"));
        int previous = Integer.MAX_VALUE;
        int distinct = 0;
        for (int i = 1; i < lines.length; i++) {
            int hce = Integer.parseInt(lines[i].split(",")[8]);
            assertTrue(hce <= previous, lines[i]);
            distinct += hce != previous ? 1 : 0;
            previous = hce;
        }
        assertTrue(distinct > 1, "the generated pairs differ in HCE");
        List<PerImageRow> withoutDis = List.of(PerImageRow.of("x", "y", ImageStats.of(pair(1)[0], pair(1)[1])));
        assertThrows(IllegalArgumentException.class, () -> MetricsReport.perImageCsv(withoutDis, PerImageOrder.HCE));
        assertEquals(
                "dataset,name,mae,max_f,adaptive_f,weighted_f,s_measure,adaptive_e",
                MetricsReport.perImageCsv(withoutDis).split("\n")[0]);
    }
}
