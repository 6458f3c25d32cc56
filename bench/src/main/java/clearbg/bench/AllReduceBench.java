package clearbg.bench;

import clearbg.jobs.allreduce.RingAllReduce;
import clearbg.jobs.allreduce.RingEndpoint;
import clearbg.jobs.allreduce.RingSettings;
import clearbg.jobs.allreduce.WirePrecision;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One of the two processes of the all-reduce benchmark (run both with bench/allreduce_bench.sh). In the same
 * run and over the same loopback interface it measures the raw TCP bandwidth one way and both ways at once
 * ({@link LoopbackBandwidth}), and {@link RingAllReduce#averageInPlace} of a U²-Net-sized gradient with one
 * ring per chunk size with float32 on the wire, and one per chunk size with bfloat16 on the wire. All
 * connections stay open for the whole run and the configurations take turns repetition by repetition, so
 * background load spreads over all of them alike. Every ring call is preceded by a one-float all-reduce as a
 * barrier; rank 0's times are reported.
 *
 * <p>Rank 0 prints one JSON line per configuration: its kind ({@code raw-one-way}, {@code raw-both-ways},
 * {@code allreduce}), the wire precision, the chunk size, the bytes per rank and direction ({@code S}, the
 * gradient's size in float32, also for the bfloat16 wire, so that its algbw is the effective one),
 * every timed repetition in wall-clock seconds and in CPU seconds of this whole process (user and system, all
 * threads: a measure of the work done that other load on the machine barely changes), and for the ring
 * whether both ranks and all chunk sizes of its wire ended with bit-identical arrays (a hash of the result's
 * bits, compared through the rendezvous folder).
 *
 * <p>Arguments: {@code --rank 0|1 --rendezvous DIR [--floats N] [--warmup N] [--repetitions N]
 * [--chunks BYTES,BYTES,...] [--bf16-chunks BYTES,...]} (an empty list leaves that wire out).
 */
public final class AllReduceBench {

    private static final int WORLD_SIZE = 2;
    private static final OperatingSystemMXBean PROCESS =
            ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);

    private AllReduceBench() {}

    public static void main(String[] args) throws Exception {
        int rank = -1;
        Path rendezvousFolder = null;
        int floats = 44_009_869;
        int warmup = 2;
        int repetitions = 15;
        int[] chunks = {256 << 10, 1 << 20, 4 << 20};
        int[] bf16Chunks = {4 << 20};
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rank" -> rank = Integer.parseInt(args[++i]);
                case "--rendezvous" -> rendezvousFolder = Path.of(args[++i]);
                case "--floats" -> floats = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--repetitions" -> repetitions = Integer.parseInt(args[++i]);
                case "--chunks" -> chunks = sizes(args[++i]);
                case "--bf16-chunks" -> bf16Chunks = sizes(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (rank < 0 || rank >= WORLD_SIZE || rendezvousFolder == null || warmup < 1 || repetitions < 1) {
            throw new IllegalArgumentException("usage: --rank 0|1 --rendezvous DIR [--floats N] [--warmup N>=1] "
                    + "[--repetitions N] [--chunks BYTES,...] [--bf16-chunks BYTES,...]");
        }
        List<RingConfig> configs = new ArrayList<>();
        Arrays.stream(chunks).forEach(chunk -> configs.add(new RingConfig(WirePrecision.FP32, chunk)));
        Arrays.stream(bf16Chunks).forEach(chunk -> configs.add(new RingConfig(WirePrecision.BF16, chunk)));
        FileRendezvous rendezvous = new FileRendezvous(rendezvousFolder, rank, WORLD_SIZE, Duration.ofMinutes(5));
        List<Map<String, Object>> lines = new Run(rank, rendezvous, floats).measure(configs, warmup, repetitions);
        if (rank == 0) {
            ObjectMapper json = new ObjectMapper();
            for (Map<String, Object> line : lines) {
                System.out.println(json.writeValueAsString(line));
            }
        }
    }

    private static int[] sizes(String list) {
        return list.isBlank()
                ? new int[0]
                : Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    /** One ring to measure: what travels on its wire, in chunks of how many bytes. */
    private record RingConfig(WirePrecision wire, int chunkBytes) {}

    /** The measurements of one process. */
    private static final class Run {

        private final int rank;
        private final FileRendezvous rendezvous;
        private final long bytes;
        private final float[] gradient;
        private final float[] data;

        Run(int rank, FileRendezvous rendezvous, int floats) {
            this.rank = rank;
            this.rendezvous = rendezvous;
            this.bytes = (long) floats * Float.BYTES;
            this.gradient = randomGradient(floats, rank);
            this.data = new float[floats];
        }

        List<Map<String, Object>> measure(List<RingConfig> configs, int warmup, int repetitions) throws Exception {
            List<RingAllReduce> rings = new ArrayList<>();
            try (LoopbackBandwidth raw = LoopbackBandwidth.connect(rank, rendezvous, "raw")) {
                for (RingConfig config : configs) {
                    rings.add(connectRing(config));
                }
                List<Samples> samples = new ArrayList<>();
                for (int config = 0; config < 2 + configs.size(); config++) {
                    samples.add(new Samples(repetitions));
                }
                Map<WirePrecision, List<String>> hashes = new LinkedHashMap<>();
                for (int ring = 0; ring < configs.size(); ring++) {
                    System.arraycopy(gradient, 0, data, 0, data.length);
                    for (int i = 0; i < warmup; i++) {
                        timeAverage(rings.get(ring));
                    }
                    // After the first call both ranks hold the mean m, and the mean of m and m is m again
                    // (exact in float, and m is already a bfloat16 on that wire), so both ranks and every chunk
                    // size of one wire must end with the same bits.
                    hashes.computeIfAbsent(configs.get(ring).wire(), wire -> new ArrayList<>())
                            .addAll(rendezvous.allGather("hash-" + ring, Integer.toString(Arrays.hashCode(data))));
                }
                for (int i = 0; i < warmup; i++) {
                    raw.oneWaySeconds(bytes);
                    raw.bothWaysSeconds(bytes);
                }
                for (int i = 0; i < repetitions; i++) {
                    int repetition = i;
                    samples.get(0).measure(repetition, () -> raw.oneWaySeconds(bytes));
                    samples.get(1).measure(repetition, () -> raw.bothWaysSeconds(bytes));
                    for (int ring = 0; ring < configs.size(); ring++) {
                        RingAllReduce measured = rings.get(ring);
                        samples.get(2 + ring).measure(repetition, () -> timeAverage(measured));
                    }
                }
                List<Map<String, Object>> lines = new ArrayList<>();
                lines.add(line("raw-one-way", null, samples.get(0), null));
                lines.add(line("raw-both-ways", null, samples.get(1), null));
                for (int ring = 0; ring < configs.size(); ring++) {
                    RingConfig config = configs.get(ring);
                    boolean identical =
                            hashes.get(config.wire()).stream().distinct().count() == 1;
                    lines.add(line("allreduce", config, samples.get(2 + ring), identical));
                }
                return lines;
            } finally {
                rings.forEach(RingAllReduce::close);
            }
        }

        /**
         * Forms one ring; the introductions (each holding a share of the ring's key) go through the rendezvous
         * folder, which allreduce_bench.sh makes with {@code mktemp -d}, readable by this user only.
         */
        private RingAllReduce connectRing(RingConfig config) throws Exception {
            RingSettings settings = RingSettings.of(rank, WORLD_SIZE)
                    .withChunkBytes(config.chunkBytes())
                    .withWire(config.wire());
            String name = "ring-" + config.wire() + "-" + config.chunkBytes();
            try (RingEndpoint endpoint = RingAllReduce.listen(settings, "127.0.0.1", "allreduce-bench/" + name)) {
                return endpoint.connect(rendezvous.allGather(name, endpoint.introduction()));
            }
        }

        /** A one-float all-reduce as a barrier, then the timed average of the whole gradient. */
        private double timeAverage(RingAllReduce ring) throws Exception {
            ring.sumInPlace(new float[1]);
            long start = System.nanoTime();
            ring.averageInPlace(data);
            return (System.nanoTime() - start) / 1e9;
        }

        private Map<String, Object> line(String kind, RingConfig config, Samples samples, Boolean identical) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("kind", kind);
            line.put("wire", config == null ? null : config.wire().name().toLowerCase(java.util.Locale.ROOT));
            line.put("chunk_bytes", config == null ? 0 : config.chunkBytes());
            line.put("world_size", WORLD_SIZE);
            line.put("bytes", bytes);
            line.put("seconds", samples.wallSeconds);
            line.put("cpu_seconds", samples.cpuSeconds);
            if (identical != null) {
                line.put("bit_identical_across_ranks_and_chunks_of_its_wire", identical);
            }
            return line;
        }

        private static float[] randomGradient(int floats, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            float[] gradient = new float[floats];
            for (int i = 0; i < floats; i++) {
                gradient[i] = (float) ((random.nextDouble() - 0.5) * 1e-3);
            }
            return gradient;
        }
    }

    /** A timed operation; returns the wall-clock seconds of the part that counts. */
    private interface Timed {
        double run() throws Exception;
    }

    /** Wall-clock and process CPU seconds of each repetition of one configuration. */
    private static final class Samples {

        final double[] wallSeconds;
        final double[] cpuSeconds;

        Samples(int repetitions) {
            wallSeconds = new double[repetitions];
            cpuSeconds = new double[repetitions];
        }

        void measure(int repetition, Timed timed) throws Exception {
            long cpuStart = PROCESS.getProcessCpuTime();
            wallSeconds[repetition] = timed.run();
            cpuSeconds[repetition] = (PROCESS.getProcessCpuTime() - cpuStart) / 1e9;
        }
    }
}
