package clearbg.jobs.report;

import clearbg.model.metric.ImageStats;
import clearbg.model.metric.SodResult;
import java.io.IOException;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The precision-recall curves and the F-measure against the threshold, side by side, as one PNG. */
public final class CurvesPlot {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 480;

    private CurvesPlot() {}

    /** Two charts (PR, F vs threshold) with one series per data set, encoded as PNG bytes each. */
    public static byte[][] png(Map<String, SodResult> results) throws IOException {
        XYChart pr = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("Precision-recall")
                .xAxisTitle("recall")
                .yAxisTitle("precision")
                .build();
        XYChart f = new XYChartBuilder()
                .width(WIDTH)
                .height(HEIGHT)
                .title("F-measure (beta^2 = 0.3) by threshold")
                .xAxisTitle("threshold (0..255)")
                .yAxisTitle("mean F")
                .build();
        double[] thresholds = new double[ImageStats.LEVELS];
        for (int i = 0; i < thresholds.length; i++) {
            thresholds[i] = ImageStats.LEVELS - 1 - i;
        }
        for (Map.Entry<String, SodResult> entry : results.entrySet()) {
            SodResult r = entry.getValue();
            pr.addSeries(entry.getKey(), r.recall(), r.precision()).setMarker(SeriesMarkers.NONE);
            f.addSeries(entry.getKey() + String.format(" (max %.4f)", r.maxF()), thresholds, r.fMeasure())
                    .setMarker(SeriesMarkers.NONE);
        }
        return new byte[][] {
            BitmapEncoder.getBitmapBytes(pr, BitmapEncoder.BitmapFormat.PNG),
            BitmapEncoder.getBitmapBytes(f, BitmapEncoder.BitmapFormat.PNG)
        };
    }
}
