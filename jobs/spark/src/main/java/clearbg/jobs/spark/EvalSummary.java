package clearbg.jobs.spark;

import clearbg.jobs.report.PerImageRow;
import clearbg.model.metric.ImageStats;
import clearbg.model.metric.SodAccumulator;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a set of images reduces to: per data set a {@link SodAccumulator} (sums and histograms, which merge
 * exactly by addition), the per-image scalars, and the failures by name. No map travels in it. Merging is
 * associative and commutative up to the order of the lists, which the reports sort.
 */
public final class EvalSummary implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Map<String, SodAccumulator> datasets = new TreeMap<>();
    private final List<PerImageRow> rows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    /** Adds one scored image. */
    public EvalSummary add(String dataset, String name, ImageStats stats) {
        datasets.computeIfAbsent(dataset, key -> new SodAccumulator()).add(stats);
        rows.add(PerImageRow.of(dataset, name, stats));
        return this;
    }

    /** Records an image that could not be scored. */
    public EvalSummary fail(String reason) {
        failures.add(reason);
        return this;
    }

    /** Adds everything of {@code other} to this summary and returns this. */
    public EvalSummary merge(EvalSummary other) {
        other.datasets.forEach((name, sums) -> datasets.merge(name, sums.copy(), SodAccumulator::merge));
        rows.addAll(other.rows);
        failures.addAll(other.failures);
        return this;
    }

    public Map<String, SodAccumulator> datasets() {
        return datasets;
    }

    public List<PerImageRow> rows() {
        return rows;
    }

    public List<String> failures() {
        return failures;
    }
}
