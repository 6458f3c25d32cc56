package clearbg.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import clearbg.model.nn.Arch;
import clearbg.model.nn.U2NetModel;
import clearbg.model.optim.AdamSettings;
import clearbg.model.train.BatchNormMode;
import clearbg.model.train.GradientExchange;
import clearbg.model.train.U2NetTrainer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times U²-Net forward passes (inference mode) and training steps (training-mode forward, the multi-output
 * BCE, backward, Adam) on random input, printing one JSON line per configuration with the median and
 * minimum seconds per iteration and per image. The PyTorch thread count is fixed per JVM
 * ({@code -Dai.djl.pytorch.num_threads}), so the caller runs one JVM per thread count.
 *
 * <p>Arguments: groups of {@code arch:size:batch:mode} (mode {@code forward} or {@code train}), then
 * {@code --warmup N --iterations N}.
 */
public final class ModelBench {

    private ModelBench() {}

    public static void main(String[] args) throws Exception {
        int warmup = 1;
        int iterations = 3;
        List<String> configs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                default -> configs.add(args[i]);
            }
        }
        ObjectMapper json = new ObjectMapper();
        for (String config : configs) {
            String[] parts = config.split(":");
            Arch arch = Arch.parse(parts[0]);
            int size = Integer.parseInt(parts[1]);
            int batch = Integer.parseInt(parts[2]);
            boolean train = parts[3].equals("train");
            double[] seconds = time(arch, size, batch, train, warmup, iterations);
            Arrays.sort(seconds);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("engine", "java");
            line.put("arch", arch.cliName());
            line.put("size", size);
            line.put("batch", batch);
            line.put("mode", parts[3]);
            line.put(
                    "threads",
                    Integer.getInteger(
                            "ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors()));
            line.put("median_s", seconds[seconds.length / 2]);
            line.put("min_s", seconds[0]);
            line.put("median_s_per_image", seconds[seconds.length / 2] / batch);
            System.out.println(json.writeValueAsString(line));
        }
    }

    private static double[] time(Arch arch, int size, int batch, boolean train, int warmup, int iterations) {
        double[] seconds = new double[iterations];
        try (U2NetModel model = U2NetModel.create(arch, Device.cpu(), 1);
                U2NetTrainer trainer = train
                        ? new U2NetTrainer(
                                model,
                                AdamSettings.U2NET_RECIPE,
                                BatchNormMode.BATCH_STATISTICS,
                                GradientExchange.SINGLE_REPLICA)
                        : null) {
            for (int i = -warmup; i < iterations; i++) {
                try (NDManager scratch = model.manager().newSubManager()) {
                    NDArray images = scratch.randomNormal(new Shape(batch, 3, size, size));
                    NDArray labels = scratch.randomUniform(0, 1, new Shape(batch, 1, size, size))
                            .gt(0.5)
                            .toType(DataType.FLOAT32, false);
                    long start = System.nanoTime();
                    if (train) {
                        trainer.step(images, labels, AdamSettings.U2NET_RECIPE.learningRate());
                    } else {
                        model.forward(images, false).get(0).toFloatArray();
                    }
                    if (i >= 0) {
                        seconds[i] = (System.nanoTime() - start) / 1e9;
                    }
                }
            }
        }
        return seconds;
    }
}
