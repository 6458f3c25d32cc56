package clearbg.jobs.spark;

import clearbg.jobs.report.PerImageRow;
import clearbg.model.metric.DisAccumulator;
import clearbg.model.metric.DisStats;
import clearbg.model.metric.ImageStats;
import clearbg.model.metric.SodAccumulator;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a set of images reduces to: per data set a {@link SodAccumulator} (sums and histograms, which merge
 * exactly by addition) and, where the DIS metrics are computed, a {@link DisAccumulator} (exact likewise), the
 * per-image scalars, and the failures by name. No map travels in it. Merging is
 * associative and commutative up to the order of the lists, which the reports sort.
 */
public final class EvalSummary implements Serializable {

    private static final long serialVersionUID = 2L;

    private final Map<String, SodAccumulator> datasets = new TreeMap<>();
    private final Map<String, DisAccumulator> dis = new TreeMap<>();
    private final List<PerImageRow> rows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    /** Adds one scored image. */
    public EvalSummary add(String dataset, String name, ImageStats stats) {
        return add(dataset, name, stats, null);
    }

    /** Adds one scored image with its DIS statistics ({@code disStats} may be null: none). */
    public EvalSummary add(String dataset, String name, ImageStats stats, DisStats disStats) {
        datasets.computeIfAbsent(dataset, key -> new SodAccumulator()).add(stats);
        if (disStats != null) {
            dis.computeIfAbsent(dataset, key -> new DisAccumulator()).add(disStats);
        }
        rows.add(PerImageRow.of(dataset, name, stats, disStats));
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
        other.dis.forEach((name, sums) -> dis.merge(name, sums.copy(), DisAccumulator::merge));
        rows.addAll(other.rows);
        failures.addAll(other.failures);
        return this;
    }

    public Map<String, SodAccumulator> datasets() {
        return datasets;
    }

    /** The DIS sums by data set (empty when they were not computed). */
    public Map<String, DisAccumulator> dis() {
        return dis;
    }

    public List<PerImageRow> rows() {
        return rows;
    }

    public List<String> failures() {
        return failures;
    }
}
