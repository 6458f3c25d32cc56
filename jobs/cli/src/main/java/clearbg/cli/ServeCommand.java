package clearbg.cli;

import ai.djl.util.cuda.CudaUtils;
import clearbg.cli.serve.ServeServer;
import clearbg.cli.serve.ServeSettings;
import clearbg.cli.serve.ServedModel;
import clearbg.jobs.files.FileNames;
import clearbg.jobs.options.ImageLimitsOptions;
import clearbg.jobs.options.NetworkOptions;
import clearbg.jobs.options.NetworkSettings;
import clearbg.model.image.DecodeLimits;
import clearbg.model.predict.FusedMapNetwork;
import clearbg.model.predict.InferenceEngine;
import clearbg.model.predict.Predictor;
import clearbg.model.predict.PredictorSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clearbg serve}: loads the network once and serves it over HTTP ({@link ServeServer}) until the
 * process is stopped; the network is opened for {@code --workers} concurrent passes as {@code remove} does.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve background removal over HTTP: a try-it page at /, rembg's API (POST /api/remove with the"
                    + " multipart field 'file' and the fields om, ppm, bgc), /health and Prometheus /metrics.",
            "Concurrent requests are gathered into forward passes (--batch, --batch-wait); a full queue answers"
                    + " 503, a body over --max-body 413, an image that cannot be decoded or is over the limits 422"
                    + " (uploads: 50 megapixels unless --max-pixels says otherwise).",
            "Bound to 127.0.0.1 (the default) it answers only requests addressed to this machine and not sent by"
                    + " other web pages; an upload slower than 512 bytes/s is answered 408; one access-log line per"
                    + " request goes to standard output. Runs until stopped (Ctrl-C, SIGTERM)."
        })
final class ServeCommand implements Callable<Integer> {

    /**
     * The default pixel limit of uploads: 50 megapixels (an 8192x6144 photo; phones take up to 50 MP), where the
     * other commands take 100 MP; {@code --max-pixels} sets another.
     */
    static final long UPLOAD_MAX_PIXELS = 50_000_000;

    /** Images per pass by default where the network runs on a GPU. */
    static final int GPU_BATCH = 4;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    private NetworkOptions networkOptions;

    @CommandLine.Mixin
    private ImageLimitsOptions imageLimits;

    @Option(
            names = "--weights",
            required = true,
            paramLabel = "[NAME=]W",
            description = ".pth or .safetensors weights, repeatable: each is a model a request picks with the field"
                    + " 'model' (rembg's), named NAME or the file's name without extension; the first is the default")
    private List<String> weights;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description =
                    "address to listen on (default ${DEFAULT-VALUE}: this machine only; 0.0.0.0: every interface)")
    private String host;

    @Option(names = "--port", defaultValue = "7000", description = "TCP port (default ${DEFAULT-VALUE}, as rembg s)")
    private int port;

    @Option(
            names = "--workers",
            defaultValue = "0",
            description = "forward passes at once (default 0: one per core, each on one thread)")
    private int workers;

    @Option(names = "--queue", defaultValue = "64", description = "images that may wait (default ${DEFAULT-VALUE})")
    private int queue;

    @Option(
            names = "--batch",
            defaultValue = "0",
            description =
                    "most images per forward pass (default 0: " + GPU_BATCH + " where the network runs on a GPU, 1"
                            + " on CPUs, where a pass of one image costs no more per image and holds less memory)")
    private int batch;

    @Option(
            names = "--batch-wait",
            defaultValue = "5",
            paramLabel = "MS",
            description = "how long a pass waits for more images after its first (default ${DEFAULT-VALUE} ms)")
    private int batchWaitMillis;

    @Option(
            names = "--max-body",
            defaultValue = "32m",
            converter = ImageLimitsOptions.ByteSize.class,
            description = "largest request body (default ${DEFAULT-VALUE})")
    private long maxBody;

    @Option(
            names = "--matting-max-pixels",
            defaultValue = "" + ServeSettings.MattingLimits.DEFAULT_MAX_PIXELS,
            paramLabel = "N",
            description = "largest image alpha matting ('a') takes (default ${DEFAULT-VALUE}: a Full HD photo;"
                    + " larger ones are refused with 422)")
    private long mattingMaxPixels;

    @Option(
            names = "--matting-timeout",
            defaultValue = "60",
            paramLabel = "S",
            description = "seconds one alpha matting may wait and run (default ${DEFAULT-VALUE}; then it stops and"
                    + " the request is answered 504)")
    private double mattingTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        NetworkSettings network = networkOptions.settings();
        Map<String, Path> files = namedWeights(weights);
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = workers > 0 ? workers : cores;
        ServeSettings settings;
        try {
            settings = new ServeSettings(
                    host,
                    port,
                    threads,
                    queue,
                    batchSize(batch, network.engine(), CudaUtils.getGpuCount()),
                    batchWaitMillis,
                    maxBody,
                    new ServeSettings.MattingLimits(mattingMaxPixels, Math.round(mattingTimeoutSeconds * 1000)));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        CountDownLatch stopped = new CountDownLatch(1);
        List<FusedMapNetwork> networks = new ArrayList<>();
        try {
            List<ServedModel> models = new ArrayList<>();
            for (Map.Entry<String, Path> file : files.entrySet()) {
                FusedMapNetwork net =
                        LocalNetworks.open(file.getValue(), network, threads, Math.max(1, cores / threads), err);
                networks.add(net);
                int side = network.sizeFor(net.arch());
                models.add(new ServedModel(
                        file.getKey(),
                        new Predictor(net, new PredictorSettings(side, settings.batchSize())),
                        file.getValue().getFileName() + " (" + net.arch().cliName() + " at " + side + "x" + side + ", "
                                + network.engine().cliName() + ", "
                                + network.precision().cliName() + ")"));
            }
            try (ServeServer server = new ServeServer(models, uploadLimits(), settings, line -> {
                PrintWriter log = spec.commandLine().getOut();
                log.println(line);
                log.flush();
            })) {
                Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
                PrintWriter out = spec.commandLine().getOut();
                out.println("clearbg serve: listening on http://" + host + ":" + server.port() + "/ with "
                        + files.keySet() + " (Ctrl-C stops)");
                out.flush();
                stopped.await();
            }
        } finally {
            networks.forEach(FusedMapNetwork::close);
        }
        return 0;
    }

    /**
     * The models of {@code --weights [NAME=]FILE} by name, in order: NAME, or the file name without its extension.
     *
     * @throws UsageException for a missing file or a name given twice
     */
    static Map<String, Path> namedWeights(List<String> values) {
        Map<String, Path> named = new LinkedHashMap<>();
        for (String value : values) {
            int equals = value.indexOf('=');
            boolean hasName = equals > 0 && !value.substring(0, equals).contains("/");
            Path file = Path.of(hasName ? value.substring(equals + 1) : value);
            String name = hasName
                    ? value.substring(0, equals)
                    : FileNames.stem(file.getFileName().toString());
            if (!Files.isRegularFile(file)) {
                throw new UsageException("--weights " + value + ": no such file");
            }
            if (named.put(name, file) != null) {
                throw new UsageException("--weights: two models are named " + name + "; name them NAME=FILE");
            }
        }
        return named;
    }

    /**
     * The image limits, with {@link #UPLOAD_MAX_PIXELS} instead of the general default when {@code --max-pixels} is
     * not given: a server takes images from anyone.
     */
    private DecodeLimits uploadLimits() {
        DecodeLimits limits = imageLimits.limits();
        return spec.commandLine().getParseResult().hasMatchedOption("--max-pixels")
                ? limits
                : new DecodeLimits(UPLOAD_MAX_PIXELS, limits.maxFileBytes(), limits.imageMemoryPercent());
    }

    /**
     * {@code --batch} when given (not 0); by default {@value #GPU_BATCH} where libtorch runs the network on a
     * GPU (any engine but ONNX Runtime, with a GPU visible) and 1 on CPUs. On a CPU a pass of several images
     * costs at least as much per image as single passes (ONNX Runtime fp32 the same, libtorch bf16 about 20%
     * more: its larger activations are allocated afresh each pass) and holds their activations at once, so
     * concurrent requests are served by the workers side by side instead.
     */
    static int batchSize(int requested, InferenceEngine engine, int gpus) {
        if (requested != 0) {
            return requested;
        }
        return engine != InferenceEngine.ONNXRUNTIME && gpus > 0 ? GPU_BATCH : 1;
    }
}
