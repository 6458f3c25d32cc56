package clearbg.jobs.torchbridge;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import clearbg.model.nn.BatchNormFunction;
import clearbg.model.nn.ConvBnRelu;
import clearbg.model.nn.ThreadGradMode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SyncBatchNorm over one replica (an exchange that leaves the sums as they are) is DJL's BatchNorm: a {@link
 * ConvBnRelu} block in training mode gives the same output, input gradient, parameter gradients and running
 * statistics with the function as with DJL's operator, within float32 rounding.
 */
class SyncBatchNormBlockTest {

    @Test
    void oneReplicaEqualsDjlBatchNormOnABlock() {
        TorchBridge bridge = BuiltBridge.load();
        try (NDManager manager = NDManager.newBaseManager("PyTorch");
                SyncBatchNorm sync = new SyncBatchNorm(bridge, values -> {})) {
            List<List<float[]>> results = new ArrayList<>();
            for (BatchNormFunction function : new BatchNormFunction[] {sync, null}) {
                manager.getEngine().setRandomSeed(3);
                ConvBnRelu block = new ConvBnRelu(3, 8, 1);
                block.setInitializer(new NormalInitializer(0.3f), Parameter.Type.WEIGHT);
                block.initialize(manager, DataType.FLOAT32, new Shape(4, 3, 32, 32));
                NDArray x = manager.randomNormal(new Shape(4, 3, 32, 32)).add(0.5f);
                NDArray upstream = manager.randomNormal(new Shape(4, 8, 32, 32));
                for (Pair<String, Parameter> p : block.getParameters()) {
                    if (p.getValue().requiresGradient()) {
                        p.getValue().getArray().setRequiresGradient(true);
                    }
                }
                x.setRequiresGradient(true);
                PairList<String, Object> params = new PairList<>();
                if (function != null) {
                    params.add(BatchNormFunction.PARAMETER, function);
                }
                List<float[]> values = new ArrayList<>();
                try (ThreadGradMode recording = ThreadGradMode.recording()) {
                    NDArray y = block.forward(new ParameterStore(manager, false), new NDList(x), true, params)
                            .singletonOrThrow();
                    NDArray loss = y.mul(upstream).sum();
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), false, false);
                    values.add(y.toFloatArray());
                }
                values.add(x.getGradient().toFloatArray());
                for (Pair<String, Parameter> p : block.getParameters()) {
                    NDArray array = p.getValue().getArray();
                    values.add(
                            p.getValue().requiresGradient()
                                    ? array.getGradient().toFloatArray()
                                    : array.toFloatArray());
                }
                results.add(values);
            }
            String[] what = {
                "output",
                "input gradient",
                "conv weight gradient",
                "conv bias gradient",
                "BN weight gradient",
                "BN bias gradient",
                "running mean",
                "running variance"
            };
            for (int i = 0; i < what.length; i++) {
                float[] a = results.get(0).get(i);
                float[] b = results.get(1).get(i);
                double scale = 0;
                double worst = 0;
                for (int j = 0; j < a.length; j++) {
                    scale = Math.max(scale, Math.abs(b[j]));
                    worst = Math.max(worst, Math.abs(a[j] - b[j]));
                }
                // the conv bias before BatchNorm has a true gradient of 0: both hold rounding noise
                double tolerance = i == 3 ? 1e-3 : 1e-5 * Math.max(scale, 1e-3);
                assertTrue(worst <= tolerance, what[i] + ": differs by " + worst + " (largest value " + scale + ")");
            }
        }
    }
}
