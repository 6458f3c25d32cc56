package clearbg.jobs;

import clearbg.jobs.files.DatasetLayout;
import clearbg.jobs.files.FileNames;
import clearbg.jobs.files.LocationRedaction;
import clearbg.jobs.files.StemPairing;
import clearbg.jobs.options.ImageLimitsOptions;
import clearbg.jobs.params.ParamsOption;
import clearbg.jobs.params.ParamsSections;
import clearbg.jobs.spark.HadoopFiles;
import clearbg.jobs.spark.IngestPair;
import clearbg.jobs.spark.IngestRow;
import clearbg.jobs.spark.IngestTimings;
import clearbg.jobs.spark.IngestValidator;
import clearbg.jobs.spark.TableManifest;
import clearbg.model.image.DecodeLimits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code spark-submit --class clearbg.jobs.IngestJob}: turns a DUTS or DIS5K folder tree on any Hadoop file
 * system into one validated Parquet image table (partitioned by data set and split) plus a rejects table,
 * decoding and validating on the executors. A manifest written last ({@code <out>/manifest.json}) names the
 * current table version, counts per split, rejects by reason, the source and the table's content hash
 * (independent of the source's file system). Re-running on unchanged input rewrites nothing; a crashed run
 * leaves only an unreferenced version folder, never a half table behind the manifest.
 */
@Command(
        name = "IngestJob",
        mixinStandardHelpOptions = true,
        description = "Ingest DUTS / DIS5K from any Hadoop file system into a validated Parquet image table.")
public final class IngestJob implements Callable<Integer>, ParamsSections {

    @Mixin
    ParamsOption params;

    @Override
    public List<String> paramsSections() {
        return List.of("data.ingest");
    }

    static final StructType TABLE = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("dataset", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("source_path", DataTypes.StringType, false)
            .add("width", DataTypes.IntegerType, false)
            .add("height", DataTypes.IntegerType, false)
            .add("channels", DataTypes.IntegerType, false)
            .add("image", DataTypes.BinaryType, false)
            .add("mask", DataTypes.BinaryType, false)
            .add("flipped", DataTypes.BooleanType, false)
            .add("content_hash", DataTypes.StringType, false);
    static final StructType REJECTS = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("dataset", DataTypes.StringType, false)
            .add("split", DataTypes.StringType, false)
            .add("source_path", DataTypes.StringType, true)
            .add("reason", DataTypes.StringType, false);

    @Option(names = "--source", required = true, paramLabel = "URI", description = "DUTS or DIS5K root")
    String source;

    @Option(names = "--out", required = true, paramLabel = "URI", description = "table root (manifest.json goes here)")
    String out;

    @Option(names = "--layout", defaultValue = "auto", description = "duts, dis5k or auto (default ${DEFAULT-VALUE})")
    String layout;

    @Option(
            names = "--datasets",
            split = ",",
            description = "splits to ingest, e.g. DUTS-TR,DUTS-TE (default: all present)")
    List<String> splits;

    @Option(
            names = "--flip",
            description = "add a horizontally flipped copy of every training pair (the paper's offline augmentation)")
    boolean flip;

    @Option(names = "--resize", defaultValue = "0", description = "pre-resize with RescaleT to this size (0: keep)")
    int resize;

    @Mixin
    ImageLimitsOptions imageLimits;

    @Option(names = "--partitions", defaultValue = "0", description = "task count (default: Spark's parallelism)")
    int partitions;

    @Override
    public Integer call() throws Exception {
        try (SparkSession spark = SparkSessions.open("clearbg-ingest")) {
            return run(spark);
        }
    }

    private int run(SparkSession spark) throws Exception {
        long started = System.nanoTime();
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        HadoopFiles files = new HadoopFiles(context.hadoopConfiguration());
        String root = source.replaceAll("/+$", "");
        String outRoot = out.replaceAll("/+$", "");
        DatasetLayout datasetLayout =
                layout.equalsIgnoreCase("auto") ? detect(files, root) : DatasetLayout.parse(layout);
        List<String> chosen = splits == null ? presentSplits(files, root, datasetLayout) : splits;
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException(root + ": no " + datasetLayout.name() + " split folders found");
        }
        DecodeLimits limits = imageLimits.limits();
        List<IngestPair> pairs = new ArrayList<>();
        int ignoredFiles = 0;
        MessageDigest fingerprint = MessageDigest.getInstance("SHA-256");
        fingerprint.update(("layout=" + datasetLayout + " flip=" + flip + " resize=" + resize + " maxPixels="
                        + limits.maxPixels() + " maxFileBytes=" + limits.maxFileBytes() + "\n")
                .getBytes(StandardCharsets.UTF_8));
        for (String split : chosen) {
            String images = root + "/" + datasetLayout.imageFolder(split);
            String masks = root + "/" + datasetLayout.maskFolder(split);
            List<HadoopFiles.Entry> imageEntries = files.listEntries(images);
            List<HadoopFiles.Entry> maskEntries = files.listEntries(masks);
            for (HadoopFiles.Entry entry : concat(imageEntries, maskEntries)) {
                fingerprint.update((files.relativize(root, entry.uri()) + " " + entry.modified() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            StemPairing pairing =
                    new StemPairing(relative(files, images, imageEntries), relative(files, masks, maskEntries));
            for (StemPairing.Pair pair : pairing.pairs()) {
                pairs.add(IngestPair.found(
                        datasetLayout.name(),
                        split,
                        pair.name(),
                        images + "/" + pair.first(),
                        masks + "/" + pair.second(),
                        datasetLayout.imageFolder(split) + "/" + pair.first()));
            }
            for (String image : pairing.onlyFirst()) {
                pairs.add(IngestPair.found(
                        datasetLayout.name(),
                        split,
                        FileNames.stem(image),
                        images + "/" + image,
                        null,
                        datasetLayout.imageFolder(split) + "/" + image));
            }
            for (StemPairing.Duplicate duplicate : pairing.duplicates()) {
                String folder = duplicate.firstSide() ? images : masks;
                pairs.add(new IngestPair(
                        datasetLayout.name(),
                        split,
                        duplicate.stem(),
                        duplicate.firstSide() ? folder + "/" + duplicate.file() : null,
                        duplicate.firstSide() ? null : folder + "/" + duplicate.file(),
                        duplicate.firstSide() ? datasetLayout.imageFolder(split) + "/" + duplicate.file() : null,
                        "duplicate stem"));
            }
            ignoredFiles += pairing.ignored();
            for (String mask : pairing.onlySecond()) {
                pairs.add(IngestPair.found(
                        datasetLayout.name(), split, FileNames.stem(mask), null, masks + "/" + mask, null));
            }
        }
        String inputHash = HexFormat.of().formatHex(fingerprint.digest());
        String manifestUri = outRoot + "/manifest.json";
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (files.exists(manifestUri)) {
            JsonNode previous = json.readTree(files.read(manifestUri));
            if (inputHash.equals(previous.path("input_fingerprint").asText())) {
                System.out.println("IngestJob: input unchanged since "
                        + previous.path("created_utc").asText() + "; nothing rewritten (table "
                        + previous.path("version").asText() + ")");
                return 0;
            }
        }

        long listed = System.nanoTime();
        IngestTimings timings = IngestTimings.register(context.sc());
        IngestValidator validator = new IngestValidator(files, limits, resize, flip, timings);
        int slices = partitions > 0 ? partitions : Math.max(context.defaultParallelism(), 1);
        context.setJobDescription("ingest " + pairs.size() + " pairs from " + root);
        JavaRDD<IngestRow> rows = context.parallelize(
                        pairs, Math.max(1, Math.min(slices * 4, Math.max(1, pairs.size()))))
                .flatMap(pair -> validator.rows(pair).iterator())
                .persist(StorageLevel.MEMORY_AND_DISK());
        rows.count();
        long validated = System.nanoTime();
        String versionName = "v-" + inputHash.substring(0, 12) + "-"
                + UUID.randomUUID().toString().substring(0, 8);
        String version = outRoot + "/" + versionName;
        spark.createDataFrame(
                        rows.filter(r -> r.rejectReason() == null)
                                .map(r -> RowFactory.create(
                                        r.id(),
                                        r.dataset(),
                                        r.split(),
                                        r.sourcePath(),
                                        r.width(),
                                        r.height(),
                                        r.channels(),
                                        r.image(),
                                        r.mask(),
                                        r.flipped(),
                                        r.contentHash())),
                        TABLE)
                .write()
                .partitionBy("dataset", "split")
                .parquet(version + "/images");
        spark.createDataFrame(
                        rows.filter(r -> r.rejectReason() != null)
                                .map(r -> RowFactory.create(
                                        r.id(), r.dataset(), r.split(), r.sourcePath(), r.rejectReason())),
                        REJECTS)
                .write()
                .parquet(version + "/rejects");

        List<Row> accepted = spark.read()
                .parquet(version + "/images")
                .select("id", "content_hash", "dataset", "split")
                .orderBy("id")
                .collectAsList();
        List<Row> rejected = spark.read()
                .parquet(version + "/rejects")
                .select("reason", "split", "id")
                .collectAsList();
        rows.unpersist();
        JsonNode previous = files.exists(manifestUri) ? json.readTree(files.read(manifestUri)) : null;
        ObjectNode manifest = manifest(json, datasetLayout, chosen, inputHash, versionName, accepted, rejected);
        manifest.put("ignored_files", ignoredFiles);
        manifest.put(
                "previous_version",
                previous == null ? "" : previous.path("version").asText(""));
        files.write(manifestUri, json.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
        if (previous != null) {
            deleteVersion(files, outRoot, previous.path("previous_version").asText(""), versionName);
        }
        System.out.printf(
                Locale.ROOT,
                "IngestJob: timings: list %.2f s, read+decode+validate %.2f s, write %.2f s; %s%n",
                (listed - started) / 1e9,
                (validated - listed) / 1e9,
                (System.nanoTime() - validated) / 1e9,
                timings.summary());
        System.out.println("IngestJob: " + accepted.size() + " rows, " + rejected.size() + " rejects; content hash "
                + manifest.get("content_hash").asText() + "; manifest "
                + LocationRedaction.withoutSecrets(manifestUri));
        for (Row reject : rejected) {
            System.out.println("IngestJob: rejected " + reject.getString(2) + ": " + reject.getString(0));
        }
        return 0;
    }

    /**
     * Deletes the table version {@code name} (a folder name beside the manifest; older manifests held absolute
     * URIs) unless it is empty or {@code current}. A version stays one ingest longer than the manifest naming it,
     * so a job that read the manifest just before a re-run still finds its version.
     */
    private static void deleteVersion(HadoopFiles files, String outRoot, String name, String current)
            throws IOException {
        if (name.isEmpty() || name.equals(current)) {
            return;
        }
        String uri = TableManifest.resolve(outRoot, name);
        files.fileSystem(uri).delete(new org.apache.hadoop.fs.Path(uri), true);
    }

    private ObjectNode manifest(
            ObjectMapper json,
            DatasetLayout datasetLayout,
            List<String> chosen,
            String inputHash,
            String versionName,
            List<Row> accepted,
            List<Row> rejected)
            throws Exception {
        ObjectNode manifest = json.createObjectNode();
        manifest.put("source", LocationRedaction.withoutSecrets(source));
        manifest.put("layout", datasetLayout.name());
        manifest.putPOJO("splits", chosen);
        manifest.put("flip", flip);
        manifest.put("resize", resize);
        manifest.put("max_pixels", imageLimits.limits().maxPixels());
        manifest.put("max_file_bytes", imageLimits.limits().maxFileBytes());
        manifest.put("input_fingerprint", inputHash);
        manifest.put("version", versionName);
        manifest.put("table", versionName + "/images");
        manifest.put("rejects", versionName + "/rejects");
        manifest.put("created_utc", Instant.now().toString());
        Map<String, Integer> counts = new TreeMap<>();
        MessageDigest content = MessageDigest.getInstance("SHA-256");
        for (Row row : accepted) {
            counts.merge(row.getString(2) + "/" + row.getString(3), 1, Integer::sum);
            content.update((row.getString(0) + " " + row.getString(1) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        manifest.putPOJO("counts", counts);
        Map<String, Integer> reasons = new TreeMap<>();
        rejected.forEach(row -> reasons.merge(row.getString(0), 1, Integer::sum));
        manifest.putPOJO("rejects_by_reason", reasons);
        manifest.put("rows", accepted.size());
        manifest.put("rejected", rejected.size());
        manifest.put("content_hash", HexFormat.of().formatHex(content.digest()));
        return manifest;
    }

    private static DatasetLayout detect(HadoopFiles files, String root) throws Exception {
        for (DatasetLayout candidate : DatasetLayout.values()) {
            if (!presentSplits(files, root, candidate).isEmpty()) {
                return candidate;
            }
        }
        throw new IllegalArgumentException(
                root + ": neither a DUTS (DUTS-TR, DUTS-TE) nor a DIS5K (DIS-TR, ...) layout");
    }

    private static List<String> presentSplits(HadoopFiles files, String root, DatasetLayout layout) throws Exception {
        List<String> present = new ArrayList<>();
        for (String split : layout.splits()) {
            if (files.exists(root + "/" + layout.imageFolder(split))
                    || files.exists(root + "/" + layout.maskFolder(split))) {
                present.add(split);
            }
        }
        return present;
    }

    private static List<String> relative(HadoopFiles files, String folder, List<HadoopFiles.Entry> entries)
            throws Exception {
        List<String> names = new ArrayList<>();
        for (HadoopFiles.Entry entry : entries) {
            names.add(files.relativize(folder, entry.uri()));
        }
        return names;
    }

    private static List<HadoopFiles.Entry> concat(List<HadoopFiles.Entry> a, List<HadoopFiles.Entry> b) {
        List<HadoopFiles.Entry> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Entry point for spark-submit. */
    public static void main(String[] args) {
        System.exit(JobCommandLine.execute(new IngestJob(), args));
    }
}
