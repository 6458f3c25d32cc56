package clearbg.jobs.report;

import java.io.IOException;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The training loss (total and fused output) against the step, as a PNG. */
public final class LossCurvePlot {

    private LossCurvePlot() {}

    /**
     * @param steps the step numbers
     * @param total the summed multi-output BCE at each step
     * @param fused the fused output's BCE at each step
     */
    public static byte[] png(List<Long> steps, List<Double> total, List<Double> fused) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(800)
                .height(480)
                .title("Training loss")
                .xAxisTitle("step")
                .yAxisTitle("BCE")
                .build();
        chart.addSeries("total (7 outputs)", steps, total).setMarker(SeriesMarkers.NONE);
        chart.addSeries("fused output", steps, fused).setMarker(SeriesMarkers.NONE);
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }
}
