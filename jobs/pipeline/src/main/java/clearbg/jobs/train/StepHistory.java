package clearbg.jobs.train;

import clearbg.jobs.files.FileStore;
import clearbg.jobs.report.LossCurvePlot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The run's step log, {@code steps.csv} in the run folder ({@link StepLog#CSV_HEADER}), kept across
 * resumed runs: new logs replace any line of the same or a later step, so a step is never listed twice.
 */
public final class StepHistory {

    private final FileStore files;
    private final String uri;

    public StepHistory(FileStore files, String runFolder) {
        this.files = files;
        this.uri = runFolder + "/steps.csv";
    }

    /** Appends {@code logs} (in step order) and rewrites the file atomically. */
    public void append(List<StepLog> logs) throws IOException {
        if (logs.isEmpty()) {
            return;
        }
        long first = logs.get(0).step();
        StringBuilder csv = new StringBuilder(StepLog.CSV_HEADER).append('\n');
        for (String line : existingLines()) {
            if (Long.parseLong(line.substring(0, line.indexOf(','))) < first) {
                csv.append(line).append('\n');
            }
        }
        logs.forEach(log -> csv.append(log.csvLine()).append('\n'));
        files.write(uri, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The loss curve of every logged step as a PNG. */
    public byte[] lossCurvePng() throws IOException {
        List<Long> steps = new ArrayList<>();
        List<Double> total = new ArrayList<>();
        List<Double> fused = new ArrayList<>();
        for (String line : existingLines()) {
            String[] fields = line.split(",");
            steps.add(Long.parseLong(fields[0]));
            total.add(Double.parseDouble(fields[2]));
            fused.add(Double.parseDouble(fields[3]));
        }
        if (steps.isEmpty()) {
            throw new IOException(uri + " lists no steps");
        }
        return LossCurvePlot.png(steps, total, fused);
    }

    private List<String> existingLines() throws IOException {
        if (!files.exists(uri)) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(
                new String(files.read(uri), StandardCharsets.UTF_8).lines().toList());
        return lines.isEmpty() ? lines : lines.subList(1, lines.size());
    }
}
