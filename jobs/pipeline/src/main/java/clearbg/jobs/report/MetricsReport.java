package clearbg.jobs.report;

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
 * CSV sorted worst first (highest MAE first). Pure formatting: no I/O of its own.
 */
public final class MetricsReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsReport() {}

    /** A fixed-width table of every data set's scalars, then the max-F convention. */
    public static String table(Map<String, SodResult> results) {
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
        results.forEach((name, r) -> out.printf(
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
                r.adpE()));
        results.values().stream().findFirst().ifPresent(r -> out.println("convention: " + r.convention()));
        out.flush();
        return text.toString();
    }

    /** {@code {"<dataset>": {"images": .., "maxF": .., ...}, ...}} with the convention in each object. */
    public static String json(Map<String, SodResult> results) {
        ObjectNode root = JSON.createObjectNode();
        results.forEach((name, r) -> {
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
        });
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot format metrics as JSON", e);
        }
    }

    /**
     * One row per data set and threshold: {@code dataset,threshold,precision,recall,f_measure,e_measure};
     * the threshold is the 8-bit level the prediction must reach (255 down to 0).
     */
    public static String curvesCsv(Map<String, SodResult> results) {
        StringBuilder csv = new StringBuilder("dataset,threshold,precision,recall,f_measure,e_measure\n");
        results.forEach((name, r) -> {
            for (int i = 0; i < ImageStats.LEVELS; i++) {
                csv.append(String.format(
                        Locale.ROOT,
                        "%s,%d,%.8f,%.8f,%.8f,%.8f%n",
                        name,
                        ImageStats.LEVELS - 1 - i,
                        r.precision()[i],
                        r.recall()[i],
                        r.fMeasure()[i],
                        r.eMeasure()[i]));
            }
        });
        return csv.toString();
    }

    /** Per-image scalars, the worst (highest MAE) first. */
    public static String perImageCsv(List<PerImageRow> images) {
        List<PerImageRow> sorted = new ArrayList<>(images);
        sorted.sort(Comparator.comparingDouble(PerImageRow::mae)
                .reversed()
                .thenComparing(PerImageRow::dataset)
                .thenComparing(PerImageRow::name));
        StringBuilder csv = new StringBuilder("dataset,name,mae,max_f,adaptive_f,weighted_f,s_measure,adaptive_e\n");
        for (PerImageRow r : sorted) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%s,%.8f,%.8f,%.8f,%.8f,%.8f,%.8f%n",
                    csvField(r.dataset()),
                    csvField(r.name()),
                    r.mae(),
                    r.maxF(),
                    r.adaptiveF(),
                    r.weightedF(),
                    r.sMeasure(),
                    r.adaptiveE()));
        }
        return csv.toString();
    }

    private static String csvField(String value) {
        return value.contains(",") || value.contains("\"") ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
