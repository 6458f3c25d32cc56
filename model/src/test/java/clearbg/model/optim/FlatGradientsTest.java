package clearbg.model.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import clearbg.model.nn.ArrayAssignment;
import clearbg.model.nn.ThreadGradMode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlatGradientsTest {

    private NDManager manager;
    private List<Parameter> parameters;

    /** Two parameters whose gradients are known: d/dw sum(w * k) = k, with k = 1..6 and 7..10. */
    @BeforeEach
    void parametersWithGradients() {
        manager = NDManager.newBaseManager("PyTorch");
        Parameter first = parameter("first", new Shape(2, 3));
        Parameter second = parameter("second", new Shape(4));
        parameters = List.of(first, second);
        try (NDManager scratch = manager.newSubManager();
                ThreadGradMode recording = ThreadGradMode.recording()) {
            NDArray k1 = scratch.arange(1f, 7f).reshape(2, 3);
            NDArray k2 = scratch.arange(7f, 11f);
            NDArray loss =
                    first.getArray().mul(k1).sum().add(second.getArray().mul(k2).sum());
            try (NDArray seed = loss.onesLike()) {
                JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
            }
        }
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void readsTheGradientsOneAfterTheOtherInListOrder() {
        float[] flat = new float[FlatGradients.size(parameters)];
        FlatGradients.read(parameters, flat);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, flat);
    }

    @Test
    void readingAndZeroingLeavesZeroGradients() {
        float[] flat = new float[FlatGradients.size(parameters)];
        FlatGradients.readAndZero(parameters, flat);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, flat);
        FlatGradients.read(parameters, flat);
        assertArrayEquals(new float[10], flat);
    }

    @Test
    void writesEachSliceBackIntoItsGradient() {
        float[] averaged = {0.5f, -1, 2, 3, 4, 5, 6, 7, 8, -9.25f};
        FlatGradients.write(averaged, parameters);
        float[] back = new float[averaged.length];
        FlatGradients.read(parameters, back);
        assertArrayEquals(averaged, back);
    }

    @Test
    void theDeviceCopyReplacesTheGradientAndKeepsNoLinkToTheJavaArray() {
        float[] averaged = {0.5f, -1, 2, 3, 4, 5, 6, 7, 8, -9.25f};
        try (NDArray gradient = parameters.get(1).getArray().getGradient()) {
            ArrayAssignment.assign(gradient, averaged, 6);
        }
        averaged[6] = 100;
        try (NDArray unrelated = manager.ones(new Shape(1024))) {
            unrelated.muli(3);
        }
        try (NDArray gradient = parameters.get(1).getArray().getGradient()) {
            assertArrayEquals(new float[] {6, 7, 8, -9.25f}, gradient.toFloatArray());
            assertArrayEquals(new long[] {4}, gradient.getShape().getShape());
        }
    }

    private Parameter parameter(String name, Shape shape) {
        Parameter parameter =
                Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).build();
        NDArray array = manager.zeros(shape);
        array.setRequiresGradient(true);
        parameter.setArray(array);
        return parameter;
    }
}
