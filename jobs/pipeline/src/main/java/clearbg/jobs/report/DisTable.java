package clearbg.jobs.report;

import clearbg.model.metric.DisAccumulator;
import clearbg.model.metric.DisResult;
import clearbg.model.metric.SodAccumulator;
import clearbg.model.metric.SodResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The table of the DIS paper (Qin et al., "Highly Accurate Dichotomous Image Segmentation", ECCV 2022, Table 2):
 * per split max-F, weighted F, MAE, S-measure, mean E-measure and HCE, here with the relaxed boundary F and the
 * maximum IoU and Dice next to them; as markdown and as JSON. The overall test row {@value #OVERALL} is computed
 * over the POOLED images of the test splits present ({@code DIS-TE1} .. {@code DIS-TE4}): their exact per-image
 * sums are merged and averaged over all their images, so every per-image number is the mean over the pooled images
 * and max-F, max-IoU and max-Dice are the maxima of the pooled mean curves (not the mean of the four splits' numbers,
 * which differs for the max-type metrics; with splits of equal size the per-image means agree).
 */
public final class DisTable {

    /** The name of the pooled test row. */
    public static final String OVERALL = "DIS-TE(1-4)";

    private static final Pattern TEST_SPLIT = Pattern.compile("DIS-TE[1-4]");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One row: a split, or the pooled test splits. */
    public record Row(String name, SodResult sod, DisResult dis) {}

    private final List<Row> rows;
    private final List<String> pooled;

    private DisTable(List<Row> rows, List<String> pooled) {
        this.rows = List.copyOf(rows);
        this.pooled = List.copyOf(pooled);
    }

    /**
     * The table of the splits in {@code sod}'s iteration order (each needs its DIS accumulator in {@code dis}),
     * then the pooled row {@value #OVERALL} when at least two of DIS-TE1..4 are among them. The accumulators are
     * left unchanged.
     */
    public static DisTable of(Map<String, SodAccumulator> sod, Map<String, DisAccumulator> dis) {
        List<Row> rows = new ArrayList<>();
        List<String> pooled = new ArrayList<>();
        SodAccumulator pooledSod = new SodAccumulator();
        DisAccumulator pooledDis = new DisAccumulator();
        sod.forEach((split, sums) -> {
            DisAccumulator disSums = dis.get(split);
            if (disSums == null) {
                throw new IllegalArgumentException(split + ": no DIS metrics to tabulate");
            }
            rows.add(new Row(split, sums.result(), disSums.result()));
            if (TEST_SPLIT.matcher(split).matches()) {
                pooled.add(split);
                pooledSod.merge(sums);
                pooledDis.merge(disSums);
            }
        });
        if (pooled.size() >= 2) {
            rows.add(new Row(OVERALL, pooledSod.result(), pooledDis.result()));
        } else {
            pooled.clear();
        }
        return new DisTable(rows, pooled);
    }

    public List<Row> rows() {
        return rows;
    }

    /** The test splits pooled into {@value #OVERALL} (empty when there is no such row). */
    public List<String> pooled() {
        return pooled;
    }

    /** The note under the table: what each column is and how the overall row was made. */
    public String note() {
        StringBuilder note = new StringBuilder("maxF: maximum over 256 thresholds of the mean over images of each"
                + " image's F curve (beta^2 0.3); wF: weighted F (beta 1); MAE; S: S-measure (alpha 0.5); meanE:"
                + " mean over thresholds of the mean E-measure curve; HCE: human correction efforts (relax 5,"
                + " epsilon 2), the mean over images; relaxFb: relaxed boundary F (rho 3); maxIoU, maxDice: maxima of"
                + " the mean IoU and Dice curves. PySODMetrics 1.6.2 definitions (relaxFb: the BASNet / U2-Net"
                + " authors' compute_align_error).");
        if (!pooled.isEmpty()) {
            long images = rows.get(rows.size() - 1).sod().images();
            note.append(" ")
                    .append(OVERALL)
                    .append(": the ")
                    .append(images)
                    .append(" images of ")
                    .append(String.join(", ", pooled))
                    .append(" pooled (every number over all their images, max-type numbers from the pooled mean"
                            + " curves), not the mean of the splits' numbers.");
        }
        return note.toString();
    }

    /** A markdown table, one row per split, then the note. */
    public String markdown() {
        StringBuilder md = new StringBuilder(
                "| split | images | maxF ↑ | wF ↑ | MAE ↓ | S ↑ | meanE ↑ | HCE ↓ | relaxFb ↑ | maxIoU ↑"
                        + " | maxDice ↑ |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            SodResult s = row.sod();
            DisResult d = row.dis();
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f | %.3f | %.3f | %.3f |%n",
                    row.name(),
                    s.images(),
                    s.maxF(),
                    s.weightedF(),
                    s.mae(),
                    s.sMeasure(),
                    s.meanE(),
                    d.hce(),
                    d.relaxFb(),
                    d.maxIou(),
                    d.maxDice()));
        }
        return md.append('\n').append(note()).append('\n').toString();
    }

    /**
     * {@code {"rows": {"<split>": {...}, ...}, "overall": {"row": .., "pooled": [..]}, "note": ..}}: every row with
     * the table's numbers at full precision and the other IoU / Dice summaries.
     */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode rowsNode = root.putObject("rows");
        Map<String, Row> byName = new LinkedHashMap<>();
        rows.forEach(row -> byName.put(row.name(), row));
        byName.forEach((name, row) -> {
            SodResult s = row.sod();
            ObjectNode node = rowsNode.putObject(name);
            node.put("images", s.images());
            node.put("maxF", s.maxF());
            node.put("weightedF", s.weightedF());
            node.put("mae", s.mae());
            node.put("sMeasure", s.sMeasure());
            node.put("meanE", s.meanE());
            MetricsReport.putDis(node, row.dis());
        });
        if (!pooled.isEmpty()) {
            ObjectNode overall = root.putObject("overall");
            overall.put("row", OVERALL);
            ArrayNode splits = overall.putArray("pooled");
            pooled.forEach(splits::add);
            overall.put("method", "pooled images");
        }
        root.put("note", note());
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot format the DIS table as JSON", e);
        }
    }
}
