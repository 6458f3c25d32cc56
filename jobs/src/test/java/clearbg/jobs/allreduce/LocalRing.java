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
        List<RingEndpoint> endpoints = listen(settings, List.of());
        List<String> addresses = addresses(endpoints);
        return new LocalRing(RankThreads.runAll(worldSize, rank -> endpoints.get(rank).connect(addresses)));
    }

    /** Opens one endpoint per settings entry; {@code tokens} overrides the job token per rank when not empty. */
    static List<RingEndpoint> listen(List<RingSettings> settings, List<String> tokens) throws IOException {
        List<RingEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            endpoints.add(RingAllReduce.listen(settings.get(i), "127.0.0.1", tokens.isEmpty() ? TOKEN : tokens.get(i)));
        }
        return endpoints;
    }

    static List<String> addresses(List<RingEndpoint> endpoints) {
        return endpoints.stream().map(RingEndpoint::address).toList();
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
