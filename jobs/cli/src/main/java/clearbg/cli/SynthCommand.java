package clearbg.cli;

import clearbg.jobs.files.DatasetLayout;
import clearbg.jobs.params.ParamsOption;
import clearbg.jobs.params.ParamsSections;
import clearbg.model.io.AtomicFile;
import clearbg.model.synth.Scene;
import clearbg.model.synth.SceneGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clearbg synth}: a generated salient-object data set in the exact DUTS or DIS5K folder layout
 * (see {@link DatasetLayout}), since the real ones cannot be downloaded here. Photos are JPEG (quality
 * 90), masks 8-bit grey PNG. Sample {@code i} of split {@code s} depends only on (seed, s, i), so any
 * subset is reproducible; files are written whole (temporary file, then rename).
 */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = "Generate a DUTS- or DIS5K-layout data set of salient objects on cluttered backgrounds.")
final class SynthCommand implements Callable<Integer>, ParamsSections {

    @Mixin
    ParamsOption params;

    @Override
    public List<String> paramsSections() {
        return List.of("data.synth");
    }

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--layout", defaultValue = "duts", description = "duts or dis5k (default ${DEFAULT-VALUE})")
    private String layout;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "data set root to write")
    private Path out;

    @Option(names = "--train", defaultValue = "100", description = "training pairs (default ${DEFAULT-VALUE})")
    private int train;

    @Option(names = "--test", defaultValue = "20", description = "pairs per test split (default ${DEFAULT-VALUE})")
    private int test;

    @Option(names = "--size", defaultValue = "400x300", description = "WxH of every photo (default ${DEFAULT-VALUE})")
    private String size;

    @Option(names = "--seed", defaultValue = "0", description = "generator seed (default ${DEFAULT-VALUE})")
    private long seed;

    @Override
    public Integer call() throws IOException {
        DatasetLayout datasetLayout;
        try {
            datasetLayout = DatasetLayout.parse(layout);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        String[] wh = size.toLowerCase(Locale.ROOT).split("x");
        int width;
        int height;
        try {
            width = Integer.parseInt(wh[0]);
            height = Integer.parseInt(wh[1]);
        } catch (RuntimeException e) {
            throw new UsageException("--size must be WxH, e.g. 400x300, got '" + size + "'");
        }
        if (train < 0 || test < 0 || width < 32 || height < 32) {
            throw new UsageException("need --train >= 0, --test >= 0 and a size of at least 32x32");
        }
        SceneGenerator generator = new SceneGenerator(width, height);
        double thinBias = datasetLayout == DatasetLayout.DIS5K ? 0.5 : 0.1;
        PrintWriter console = spec.commandLine().getOut();
        for (int s = 0; s < datasetLayout.splits().size(); s++) {
            String split = datasetLayout.splits().get(s);
            int count = s == 0 ? train : test;
            String tag = split.toLowerCase(Locale.ROOT).replace("-", "_");
            for (int i = 1; i <= count; i++) {
                Scene scene = generator.generate(sampleSeed(seed, s, i), thinBias);
                String id = String.format(Locale.ROOT, "synth_%s_%06d", tag, i);
                AtomicFile.write(
                        out.resolve(datasetLayout.imageFolder(split)).resolve(id + ".jpg"), jpeg(scene.photo()));
                AtomicFile.write(out.resolve(datasetLayout.maskFolder(split)).resolve(id + ".png"), png(scene.mask()));
            }
            console.printf("%s: %d pairs%n", split, count);
        }
        console.println("wrote a " + datasetLayout.name() + " layout under " + out);
        return 0;
    }

    static long sampleSeed(long seed, int split, int index) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + split * 0xBF58476D1CE4E5B9L + index).nextLong();
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }
}
