package clearbg.model.predict;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import clearbg.model.io.TorchScriptBf16Ops;
import clearbg.model.nn.Upsampler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The bfloat16 operations DJL's PyTorch bridge (0.36) cannot do: converting a tensor to bfloat16 (its
 * native type mapping stops at float16, and asking it for bfloat16 aborts the process) and bilinear
 * upsampling of a bfloat16 tensor (its interpolation calls libtorch's anti-aliased kernel, which has no
 * bfloat16 version). Both run in a TorchScript module ({@link TorchScriptBf16Ops}) loaded once on the
 * device; every other libtorch operation keeps the bfloat16 type by itself, and DJL reports such arrays as
 * of unknown type. Not thread-safe.
 */
final class Bf16Ops implements Upsampler, AutoCloseable {

    private final NDManager manager;
    private final PtSymbolBlock module;
    private final ParameterStore store;

    private Bf16Ops(NDManager manager, PtSymbolBlock module) {
        this.manager = manager;
        this.module = module;
        this.store = new ParameterStore(manager, false);
    }

    /** The module, loaded on {@code device} with a manager of its own. */
    static Bf16Ops on(Device device) {
        NDManager manager = NDManager.newBaseManager(device);
        try (InputStream archive = new ByteArrayInputStream(TorchScriptBf16Ops.archive())) {
            return new Bf16Ops(manager, JniUtils.loadModule((PtNDManager) manager, archive, true, false));
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException("loading the bfloat16 module", e);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** {@code x} converted to bfloat16, a new array owned by {@code owner}. */
    NDArray toBf16(NDArray x, NDManager owner) {
        NDArray converted = module.forward(store, new NDList(x), false).singletonOrThrow();
        converted.attach(owner);
        return converted;
    }

    @Override
    public NDArray bilinear(NDArray src, long height, long width) {
        try (IValue input = IValue.from((PtNDArray) src);
                IValue h = IValue.from(height);
                IValue w = IValue.from(width);
                IValue result = IValueUtils.runMethod(module, TorchScriptBf16Ops.UPSAMPLE, input, h, w)) {
            return result.toTensor((PtNDManager) src.getManager());
        }
    }

    @Override
    public void close() {
        module.close();
        manager.close();
    }
}
