package clearbg.jobs.allreduce;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A ring of ranks in this JVM on 127.0.0.1, ranks as threads; closes every rank. */
final class LocalRing implements AutoCloseable {

    static final String TOKEN = "test-job/attempt-0";

    private final List<RingAllReduce> ranks;

    private LocalRing(List<RingAllReduce> ranks) {
        this.ranks = ranks;
    }

    /** Forms a ring of {@code worldSize} ranks with the given chunk size and time-out. */
    static LocalRing form(int worldSize, int chunkBytes, Duration timeout) throws Exception {
        List<RingSettings> settings = new ArrayList<>();
        for (int rank = 0; rank < worldSize; rank++) {
            settings.add(new RingSettings(rank, worldSize, chunkBytes, timeout));
        }
        return connect(listen(settings, List.of()));
    }

    /** Connects the endpoints, one per rank, each on its own thread. */
    static LocalRing connect(List<RingEndpoint> endpoints) throws Exception {
        List<String> introductions = introductions(endpoints);
        return of(
                RankThreads.runAll(endpoints.size(), rank -> endpoints.get(rank).connect(introductions)));
    }

    /** The ranks of a ring connected elsewhere, indexed by rank. */
    static LocalRing of(List<RingAllReduce> ranks) {
        return new LocalRing(ranks);
    }

    /** Opens one endpoint per settings entry; {@code tokens} overrides the job token per rank when not empty. */
    static List<RingEndpoint> listen(List<RingSettings> settings, List<String> tokens) throws IOException {
        List<RingEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            endpoints.add(RingAllReduce.listen(settings.get(i), "127.0.0.1", tokens.isEmpty() ? TOKEN : tokens.get(i)));
        }
        return endpoints;
    }

    /** Every endpoint's introduction, indexed by rank, as Spark's allGather would give them. */
    static List<String> introductions(List<RingEndpoint> endpoints) {
        return endpoints.stream().map(RingEndpoint::introduction).toList();
    }

    RingAllReduce rank(int rank) {
        return ranks.get(rank);
    }

    int worldSize() {
        return ranks.size();
    }

    @Override
    public void close() {
        ranks.forEach(RingAllReduce::close);
    }
}
