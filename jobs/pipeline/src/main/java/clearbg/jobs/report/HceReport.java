package clearbg.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outputs of a run that computed HCE alone ({@code clearbg metrics --only hce}): a console table, a JSON object
 * ({@code {"<dataset>": {"images": .., "hce": .., "hceConvention": ..}}}, the keys of {@link MetricsReport#json}'s
 * DIS part) and a per-image CSV {@code dataset,name,hce}, the highest HCE first (ties by name). The data-set HCE is
 * the mean of the per-image HCE: their exact (integer) sum divided by the number of images, as
 * {@link clearbg.model.metric.DisAccumulator} computes it. Pure formatting: no I/O of its own.
 */
public final class HceReport {

    /** How the HCE was aggregated, stored next to it. */
    public static final String CONVENTION = "PySODMetrics 1.6.2 HumanCorrectionEffortMeasure (relax 5, epsilon 2),"
            + " per-image values averaged over images";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String dataset;
    private final Map<String, Integer> hceByImage;

    /**
     * @param dataset the data set name in the outputs
     * @param hceByImage each image's HCE by pairing name; at least one image
     */
    public HceReport(String dataset, Map<String, Integer> hceByImage) {
        if (hceByImage.isEmpty()) {
            throw new IllegalArgumentException("no images");
        }
        this.dataset = dataset;
        this.hceByImage = Map.copyOf(hceByImage);
    }

    /** The mean HCE over the images. */
    public double meanHce() {
        long sum = 0;
        for (int hce : hceByImage.values()) {
            sum += hce;
        }
        return (double) sum / hceByImage.size();
    }

    /** {@code dataset images HCE}, one row, then the convention. */
    public String table() {
        return String.format(Locale.ROOT, "%-16s %7s %8s%n", "dataset", "images", "HCE")
                + String.format(Locale.ROOT, "%-16s %7d %8.2f%n", dataset, hceByImage.size(), meanHce())
                + "HCE convention: " + CONVENTION + "\n";
    }

    /** The JSON object of the data set. */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode node = root.putObject(dataset);
        node.put("images", hceByImage.size());
        node.put("hce", meanHce());
        node.put("hceConvention", CONVENTION);
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot format HCE as JSON", e);
        }
    }

    /** {@code dataset,name,hce}, the highest HCE first, ties by name. */
    public String perImageCsv() {
        List<Map.Entry<String, Integer>> rows = new ArrayList<>(hceByImage.entrySet());
        rows.sort(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        StringBuilder csv = new StringBuilder("dataset,name,hce\n");
        for (Map.Entry<String, Integer> row : rows) {
            csv.append(MetricsReport.csvField(dataset))
                    .append(',')
                    .append(MetricsReport.csvField(row.getKey()))
                    .append(',')
                    .append(row.getValue())
                    .append('\n');
        }
        return csv.toString();
    }
}
