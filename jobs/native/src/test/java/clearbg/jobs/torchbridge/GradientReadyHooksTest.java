package clearbg.jobs.torchbridge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import clearbg.model.nn.Arch;
import clearbg.model.nn.U2NetModel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientReadyHooksTest {

    private static final int LAYERS = 3;
    private static final int WIDTH = 8;

    @Test
    void eachParameterIsReadyOnceLastLayerFirstWithItsFinalGradient() {
        TorchBridge bridge = BuiltBridge.load();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            manager.getEngine().setRandomSeed(7);
            List<NDArray> parameters = perceptron(manager); // weight, bias of layer 0, then layer 1, ...
            NDArray input = manager.randomNormal(new Shape(4, WIDTH));
            backward(input, parameters);
            float[][] expected = gradients(parameters);

            List<Integer> order = new ArrayList<>();
            float[][] atReady = new float[parameters.size()][];
            try (GradientReadyHooks hooks = bridge.gradientReadyHooks(parameters, i -> {
                order.add(i);
                atReady[i] = parameters.get(i).getGradient().toFloatArray();
            })) {
                backward(input, parameters);
                List<Integer> atReturn = List.copyOf(order);
                float[][] actual = gradients(parameters);

                hooks.rethrowFailure();
                assertEquals(parameters.size(), atReturn.size(), "one notification per parameter: " + atReturn);
                assertEquals(List.of(0, 1, 2, 3, 4, 5), sorted(atReturn), "each parameter once");
                for (int k = 0; k + 1 < atReturn.size(); k++) {
                    assertTrue(atReturn.get(k) / 2 >= atReturn.get(k + 1) / 2, "later layers first: " + atReturn);
                }
                for (int i = 0; i < parameters.size(); i++) {
                    assertArrayEquals(expected[i], actual[i], 0f, "gradient " + i + " unchanged by the hooks");
                    assertArrayEquals(actual[i], atReady[i], 0f, "gradient " + i + " was final when ready");
                }
            }
        }
    }

    @Test
    void everyTrainableU2NetpParameterIsReadyOncePerBackward() {
        TorchBridge bridge = BuiltBridge.load();
        try (U2NetModel model = U2NetModel.create(Arch.U2NETP, Device.cpu(), 11);
                NDManager batch = model.manager().newSubManager()) {
            List<String> names = new ArrayList<>();
            List<NDArray> parameters = new ArrayList<>();
            for (Map.Entry<String, Parameter> named : model.namedParameters().entrySet()) {
                if (named.getValue().requiresGradient()) {
                    names.add(named.getKey());
                    parameters.add(named.getValue().getArray());
                    named.getValue().getArray().setRequiresGradient(true);
                }
            }
            NDArray images = batch.randomNormal(new Shape(2, 3, 32, 32));
            int[] counts = new int[parameters.size()];
            List<Integer> order = new ArrayList<>();
            try (GradientReadyHooks hooks = bridge.gradientReadyHooks(parameters, i -> {
                counts[i]++;
                order.add(i);
            })) {
                for (int pass = 1; pass <= 2; pass++) {
                    order.clear();
                    try (GradientCollector collector =
                            Engine.getEngine("PyTorch").newGradientCollector()) {
                        NDList outputs = model.forward(images, true);
                        collector.backward(outputs.get(0).mean());
                    }
                    for (int i = 0; i < counts.length; i++) {
                        assertEquals(pass, counts[i], names.get(i) + " ready once per backward");
                    }
                }
                hooks.rethrowFailure();
                assertTrue(
                        order.indexOf(names.indexOf("outconv.weight"))
                                < order.indexOf(names.indexOf("stage1.rebnconvin.conv_s1.weight")),
                        "the fuse conv's weight is ready before the first conv's");
            }
        }
    }

    @Test
    void closedHooksNotifyNobodyAndAListenerFailureIsKept() {
        TorchBridge bridge = BuiltBridge.load();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            List<NDArray> parameters = perceptron(manager);
            NDArray input = manager.ones(new Shape(1, WIDTH));
            List<Integer> heard = new ArrayList<>();
            GradientReadyHooks hooks = bridge.gradientReadyHooks(parameters, i -> {
                heard.add(i);
                throw new IllegalStateException("listener " + i);
            });
            backward(input, parameters);
            IllegalStateException failure = assertThrows(IllegalStateException.class, hooks::rethrowFailure);
            assertEquals("listener " + heard.get(0), failure.getCause().getMessage(), "the first failure");
            assertEquals(parameters.size(), heard.size(), "a failing listener still hears every parameter");

            hooks.close();
            hooks.close();
            backward(input, parameters);
            assertEquals(parameters.size(), heard.size(), "nothing after close");
        }
    }

    @Test
    void aTensorThatIsNoTrainableLeafIsRefused() {
        TorchBridge bridge = BuiltBridge.load();
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray leaf = manager.ones(new Shape(2));
            leaf.setRequiresGradient(true);
            NDArray constant = manager.ones(new Shape(2));

            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> bridge.gradientReadyHooks(List.of(leaf, constant), i -> {}));
            assertTrue(e.getMessage().startsWith("parameter 1 has no gradient accumulator"), e.getMessage());
        }
    }

    /** A perceptron's weights and biases, {@code LAYERS} layers of {@code WIDTH}, requiring gradients. */
    private static List<NDArray> perceptron(NDManager manager) {
        List<NDArray> parameters = new ArrayList<>();
        for (int layer = 0; layer < LAYERS; layer++) {
            parameters.add(manager.randomNormal(new Shape(WIDTH, WIDTH)));
            parameters.add(manager.randomNormal(new Shape(WIDTH)));
        }
        parameters.forEach(p -> p.setRequiresGradient(true));
        return parameters;
    }

    /** Zeroes the gradients, then runs the perceptron forward and backward on {@code input}. */
    private static void backward(NDArray input, List<NDArray> parameters) {
        for (NDArray parameter : parameters) {
            if (parameter.hasGradient()) {
                NDArray gradient = parameter.getGradient();
                gradient.subi(gradient);
            }
        }
        try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
            NDArray x = input;
            for (int layer = 0; layer < LAYERS; layer++) {
                x = x.matMul(parameters.get(2 * layer)).add(parameters.get(2 * layer + 1));
                x = layer + 1 < LAYERS ? x.tanh() : x;
            }
            collector.backward(x.square().sum());
        }
    }

    private static float[][] gradients(List<NDArray> parameters) {
        float[][] values = new float[parameters.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = parameters.get(i).getGradient().toFloatArray();
        }
        return values;
    }

    private static List<Integer> sorted(List<Integer> values) {
        List<Integer> copy = new ArrayList<>(values);
        Collections.sort(copy);
        return copy;
    }
}
