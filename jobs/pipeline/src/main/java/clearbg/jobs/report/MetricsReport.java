package clearbg.jobs.report;

import clearbg.model.metric.DisResult;
import clearbg.model.metric.ImageStats;
import clearbg.model.metric.SodResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes evaluation results in the forms users consume: a console table, a metrics JSON (one object per
 * data set, for {@code dvc metrics}), the PR / F / E curves as CSV (for {@code dvc plots}) and a per-image
 * CSV sorted worst first (highest MAE first, or highest HCE first). Where a data set has DIS metrics
 * ({@link DatasetResult#dis()}), the table gets a second part, the JSON the keys {@code hce}, {@code maxIoU},
 * {@code meanIoU}, {@code adpIoU}, {@code binaryIoU}, the same four for Dice, {@code relaxFb} (with its
 * precision and recall) and {@code disConvention}, the curves the columns {@code iou} and {@code dice}, and the
 * per-image CSV the columns {@code hce}, {@code adaptive_iou}, {@code binary_iou}, {@code adaptive_dice},
 * {@code binary_dice} and {@code relax_fb}; without them every output is as before. Pure formatting: no I/O of
 * its own.
 */
public final class MetricsReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsReport() {}

    /** How the DIS numbers were aggregated, stored next to them. */
    public static final String DIS_CONVENTION = "PySODMetrics 1.6.2 HumanCorrectionEffortMeasure (relax 5,"
            + " epsilon 2) and FmeasureV2 IOU/DICE handlers (sample-based: per-image values averaged over images;"
            + " max/mean over the mean curve of 256 thresholds; adaptive threshold min(2*mean(p),1); binary p > 0.5);"
            + " relaxFb: relaxed boundary F, rho 3, beta^2 0.3, maps binarised at > 127 (compute_align_error of the"
            + " BASNet/U2-Net authors), averaged over images";

    /**
     * A fixed-width table of every data set's scalars, then the max-F convention; a second table of the DIS
     * metrics where any data set has them.
     */
    public static String table(Map<String, DatasetResult> results) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.printf(
                Locale.ROOT,
                "%-16s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s%n",
                "dataset",
                "images",
                "maxF",
                "meanF",
                "adpF",
                "wF",
                "S",
                "MAE",
                "maxE",
                "meanE",
                "adpE");
        results.forEach((name, result) -> {
            SodResult r = result.sod();
            out.printf(
                    Locale.ROOT,
                    "%-16s %7d %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f%n",
                    name,
                    r.images(),
                    r.maxF(),
                    r.meanF(),
                    r.adpF(),
                    r.weightedF(),
                    r.sMeasure(),
                    r.mae(),
                    r.maxE(),
                    r.meanE(),
                    r.adpE());
        });
        results.values().stream()
                .findFirst()
                .ifPresent(r -> out.println("convention: " + r.sod().convention()));
        if (results.values().stream().anyMatch(DatasetResult::hasDis)) {
            out.printf(
                    Locale.ROOT,
                    "%-16s %8s %7s %7s %7s %7s %7s %7s %7s %7s %7s%n",
                    "dataset",
                    "HCE",
                    "maxIoU",
                    "meanIoU",
                    "adpIoU",
                    "binIoU",
                    "maxDice",
                    "meanDic",
                    "adpDice",
                    "binDice",
                    "relaxFb");
            results.forEach((name, result) -> {
                DisResult d = result.dis();
                if (d != null) {
                    out.printf(
                            Locale.ROOT,
                            "%-16s %8.2f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f%n",
                            name,
                            d.hce(),
                            d.maxIou(),
                            d.meanIou(),
                            d.adpIou(),
                            d.binaryIou(),
                            d.maxDice(),
                            d.meanDice(),
                            d.adpDice(),
                            d.binaryDice(),
                            d.relaxFb());
                }
            });
            out.println("DIS convention: " + DIS_CONVENTION);
        }
        out.flush();
        return text.toString();
    }

    /** {@code {"<dataset>": {"images": .., "maxF": .., ...}, ...}} with the convention in each object. */
    public static String json(Map<String, DatasetResult> results) {
        ObjectNode root = JSON.createObjectNode();
        results.forEach((name, result) -> {
            SodResult r = result.sod();
            ObjectNode node = root.putObject(name);
            node.put("images", r.images());
            node.put("maxF", r.maxF());
            node.put("meanF", r.meanF());
            node.put("adpF", r.adpF());
            node.put("weightedF", r.weightedF());
            node.put("sMeasure", r.sMeasure());
            node.put("mae", r.mae());
            node.put("maxE", r.maxE());
            node.put("meanE", r.meanE());
            node.put("adpE", r.adpE());
            node.put("convention", r.convention());
            DisResult d = result.dis();
            if (d != null) {
                putDis(node, d);
                node.put("disConvention", DIS_CONVENTION);
            }
        });
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot format metrics as JSON", e);
        }
    }

    /** The DIS keys of one data set's JSON object (also used by {@link DisTable}). */
    static void putDis(ObjectNode node, DisResult d) {
        node.put("hce", d.hce());
        node.put("maxIoU", d.maxIou());
        node.put("meanIoU", d.meanIou());
        node.put("adpIoU", d.adpIou());
        node.put("binaryIoU", d.binaryIou());
        node.put("maxDice", d.maxDice());
        node.put("meanDice", d.meanDice());
        node.put("adpDice", d.adpDice());
        node.put("binaryDice", d.binaryDice());
        node.put("relaxFb", d.relaxFb());
        node.put("relaxedPrecision", d.relaxedPrecision());
        node.put("relaxedRecall", d.relaxedRecall());
    }

    /**
     * One row per data set and threshold: {@code dataset,threshold,precision,recall,f_measure,e_measure}, then
     * {@code iou,dice} where the DIS metrics were computed (empty for a data set without them); the threshold is
     * the 8-bit level the prediction must reach (255 down to 0).
     */
    public static String curvesCsv(Map<String, DatasetResult> results) {
        boolean dis = results.values().stream().anyMatch(DatasetResult::hasDis);
        StringBuilder csv = new StringBuilder("dataset,threshold,precision,recall,f_measure,e_measure");
        csv.append(dis ? ",iou,dice\n" : "\n");
        results.forEach((name, result) -> {
            SodResult r = result.sod();
            double[] precision = r.precision();
            double[] recall = r.recall();
            double[] f = r.fMeasure();
            double[] e = r.eMeasure();
            double[] iou = result.hasDis() ? result.dis().iouCurve() : null;
            double[] dice = result.hasDis() ? result.dis().diceCurve() : null;
            for (int i = 0; i < ImageStats.LEVELS; i++) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%s,%d,%.8f,%.8f,%.8f,%.8f",
                        name,
                        ImageStats.LEVELS - 1 - i,
                        precision[i],
                        recall[i],
                        f[i],
                        e[i]));
                if (iou != null) {
                    csv.append(String.format(Locale.ROOT, ",%.8f,%.8f", iou[i], dice[i]));
                } else if (dis) {
                    csv.append(",,");
                }
                csv.append('\n');
            }
        });
        return csv.toString();
    }

    /** Per-image scalars, the worst (highest MAE) first. */
    public static String perImageCsv(List<PerImageRow> images) {
        return perImageCsv(images, PerImageOrder.MAE);
    }

    /**
     * Per-image scalars, the worst first by {@code order} (ties: the higher MAE, then data set and name); the DIS
     * columns where any row has them.
     *
     * @throws IllegalArgumentException when sorting by HCE rows that have no DIS metrics
     */
    public static String perImageCsv(List<PerImageRow> images, PerImageOrder order) {
        boolean dis = images.stream().anyMatch(r -> r.dis() != null);
        if (order == PerImageOrder.HCE && images.stream().anyMatch(r -> r.dis() == null)) {
            throw new IllegalArgumentException("sorting by HCE needs the DIS metrics of every image");
        }
        Comparator<PerImageRow> byMae =
                Comparator.comparingDouble(PerImageRow::mae).reversed();
        Comparator<PerImageRow> worst = order == PerImageOrder.HCE
                ? Comparator.comparingInt((PerImageRow r) -> r.dis().hce())
                        .reversed()
                        .thenComparing(byMae)
                : byMae;
        List<PerImageRow> sorted = new ArrayList<>(images);
        sorted.sort(worst.thenComparing(PerImageRow::dataset).thenComparing(PerImageRow::name));
        StringBuilder csv = new StringBuilder("dataset,name,mae,max_f,adaptive_f,weighted_f,s_measure,adaptive_e");
        csv.append(dis ? ",hce,adaptive_iou,binary_iou,adaptive_dice,binary_dice,relax_fb\n" : "\n");
        for (PerImageRow r : sorted) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%.8f,%.8f,%.8f,%.8f,%.8f,%.8f",
                    csvField(r.dataset()),
                    csvField(r.name()),
                    r.mae(),
                    r.maxF(),
                    r.adaptiveF(),
                    r.weightedF(),
                    r.sMeasure(),
                    r.adaptiveE()));
            PerImageRow.Dis d = r.dis();
            if (d != null) {
                csv.append(String.format(
                        Locale.ROOT,
                        ",%d,%.8f,%.8f,%.8f,%.8f,%.8f",
                        d.hce(),
                        d.adaptiveIou(),
                        d.binaryIou(),
                        d.adaptiveDice(),
                        d.binaryDice(),
                        d.relaxFb()));
            } else if (dis) {
                csv.append(",,,,,,");
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    static String csvField(String value) {
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
