package clearbg.jobs;

import clearbg.jobs.files.LocationRedaction;
import clearbg.jobs.spark.HadoopFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code --since RUN_ID|TIME}: an ISO-8601 instant ({@code 2026-01-31T02:15:00Z}), or the id of an earlier run whose
 * {@code _reports/<id>/summary.json} under the output prefix gives its {@code started} instant.
 */
final class Since {

    private Since() {}

    /** The instant {@code value} names, in ms since the epoch. */
    static long millis(HadoopFiles files, String outputRoot, String value) throws IOException {
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException notAnInstant) {
            String summary = outputRoot + "/" + RemovePlan.REPORTS + "/" + value + "/summary.json";
            if (!files.exists(summary)) {
                throw new IllegalArgumentException("--since " + value + ": neither an ISO-8601 instant (e.g."
                        + " 2026-01-31T02:15:00Z) nor a run that reported under "
                        + LocationRedaction.withoutSecrets(outputRoot + "/" + RemovePlan.REPORTS));
            }
            String started = new ObjectMapper()
                    .readTree(files.read(summary))
                    .path("started")
                    .asText("");
            if (started.isEmpty()) {
                throw new IllegalArgumentException("--since " + value + ": "
                        + LocationRedaction.withoutSecrets(summary)
                        + " has no start time (a run of an older version); give an instant instead");
            }
            return Instant.parse(started).toEpochMilli();
        }
    }
}
