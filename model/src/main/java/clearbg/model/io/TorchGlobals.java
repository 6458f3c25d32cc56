package clearbg.model.io;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The Python globals a {@code torch.save} state dict may name, and the inert Java values that calling them
 * builds. Nothing is ever looked up by name beyond this allow-list, and nothing is executed:
 *
 * <ul>
 *   <li>{@code collections.OrderedDict()} (no arguments) builds an {@link OrderedDict}; {@code BUILD} on it
 *       (torch's {@code _metadata}) is accepted and dropped;</li>
 *   <li>{@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)} builds a
 *       {@link TensorRef};</li>
 *   <li>{@code torch._utils._rebuild_parameter(tensor, ...)} returns its tensor;</li>
 *   <li>{@code torch.<T>Storage} for the storage classes of {@link #STORAGE_CLASSES} may only appear in a
 *       persistent id {@code ('storage', torch.<T>Storage, key, location, numel)}, which becomes a
 *       {@link StorageRef}; calling it is an error.</li>
 * </ul>
 *
 * Any other global (say {@code os.system} or {@code builtins.eval}) is refused, by name, when the pickle names
 * it, before any {@code REDUCE} could call it.
 */
final class TorchGlobals {
    /** The storage classes of {@code torch} (torch/storage.py); which of them can be read is PthReader's call. */
    static final Set<String> STORAGE_CLASSES = Set.of(
            "DoubleStorage",
            "FloatStorage",
            "HalfStorage",
            "BFloat16Storage",
            "LongStorage",
            "IntStorage",
            "ShortStorage",
            "CharStorage",
            "ByteStorage",
            "BoolStorage",
            "ComplexDoubleStorage",
            "ComplexFloatStorage",
            "QUInt8Storage",
            "QInt8Storage",
            "QInt32Storage",
            "QUInt4x2Storage",
            "QUInt2x4Storage");

    /** A storage record of the archive: {@code <prefix>/data/<key>}, {@code numel} elements of its class. */
    record StorageRef(String storageClass, String key, long numel) {}

    /** A tensor view of a storage: {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)}. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    /** {@code collections.OrderedDict}. */
    static final class OrderedDict extends LinkedHashMap<Object, Object> {
        private static final long serialVersionUID = 1L;
    }

    /** The globals {@code REDUCE} may call, by qualified name. */
    private enum Callable {
        ORDERED_DICT("collections.OrderedDict"),
        REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2"),
        REBUILD_PARAMETER("torch._utils._rebuild_parameter");

        final String qualifiedName;

        Callable(String qualifiedName) {
            this.qualifiedName = qualifiedName;
        }
    }

    /** A storage class the pickle has named: usable in a persistent id only. */
    private record StorageClass(String name) {}

    private static final Map<String, Callable> CALLABLES =
            Arrays.stream(Callable.values()).collect(Collectors.toUnmodifiableMap(c -> c.qualifiedName, c -> c));

    private TorchGlobals() {}

    /**
     * The value the pickle pushes for global {@code module.name}.
     *
     * @throws UnpicklingError naming the global if it is not on the allow-list
     */
    static Object resolve(String module, String name) throws UnpicklingError {
        String qualified = module + "." + name;
        Callable callable = CALLABLES.get(qualified);
        if (callable != null) {
            return callable;
        }
        if (module.equals("torch") && STORAGE_CLASSES.contains(name)) {
            return new StorageClass(name);
        }
        throw new UnpicklingError("refusing the Python global " + qualified + ": a state dict may only name "
                + String.join(", ", new TreeSet<>(CALLABLES.keySet())) + " and torch.<T>Storage classes");
    }

    /** {@code REDUCE}: calls {@code callable} (a value from {@link #resolve}) with {@code args}. */
    static Object call(Object callable, Object args) throws UnpicklingError {
        if (!(args instanceof Object[])) {
            throw new UnpicklingError("REDUCE needs an argument tuple, found " + describe(args));
        }
        Object[] a = (Object[]) args;
        if (callable == Callable.ORDERED_DICT) {
            if (a.length != 0) {
                throw new UnpicklingError("collections.OrderedDict takes no arguments here, found " + a.length);
            }
            return new OrderedDict();
        }
        if (callable == Callable.REBUILD_TENSOR_V2) {
            if (a.length < 4 || !(a[0] instanceof StorageRef)) {
                throw new UnpicklingError("torch._utils._rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
            }
            return new TensorRef((StorageRef) a[0], toLong(a[1]), toLongs(a[2]), toLongs(a[3]));
        }
        if (callable == Callable.REBUILD_PARAMETER) {
            if (a.length < 1 || !(a[0] instanceof TensorRef)) {
                throw new UnpicklingError("torch._utils._rebuild_parameter needs a tensor first");
            }
            return a[0];
        }
        throw new UnpicklingError("REDUCE cannot call " + describe(callable));
    }

    /** {@code BUILD}: sets the state of {@code target}; only an OrderedDict's (dropped) is accepted. */
    static void build(Object target) throws UnpicklingError {
        if (!(target instanceof OrderedDict)) {
            throw new UnpicklingError("cannot set the state of " + describe(target));
        }
    }

    /** {@code BINPERSID}: the persistent id {@code ('storage', torch.<T>Storage, key, location, numel)}. */
    static StorageRef persistentLoad(Object pid) throws UnpicklingError {
        if (!(pid instanceof Object[]) || ((Object[]) pid).length != 5 || !"storage".equals(((Object[]) pid)[0])) {
            throw new UnpicklingError("unsupported persistent id " + describe(pid)
                    + "; expected ('storage', torch.<T>Storage, key, location, numel)");
        }
        Object[] t = (Object[]) pid;
        if (!(t[1] instanceof StorageClass) || !(t[2] instanceof String)) {
            throw new UnpicklingError("persistent id needs a storage class and a string key, found " + describe(t[1])
                    + " and " + describe(t[2]));
        }
        return new StorageRef(((StorageClass) t[1]).name(), (String) t[2], toLong(t[4]));
    }

    private static long[] toLongs(Object tuple) throws UnpicklingError {
        if (!(tuple instanceof Object[])) {
            throw new UnpicklingError("expected a tuple of ints, found " + describe(tuple));
        }
        Object[] items = (Object[]) tuple;
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = toLong(items[i]);
        }
        return out;
    }

    private static long toLong(Object value) throws UnpicklingError {
        if (value instanceof Long) {
            return (Long) value;
        }
        throw new UnpicklingError("expected an int of at most 64 bits, found " + describe(value));
    }

    /**
     * A short description for error messages: small scalars by value, anything else by type only (a pickled
     * value may be huge or contain itself, so its {@code toString} is never called).
     */
    static String describe(Object value) {
        if (value == null) {
            return "None";
        }
        if (value instanceof Long || value instanceof Boolean || value instanceof Double) {
            return value.getClass().getSimpleName() + " " + value;
        }
        if (value instanceof String && ((String) value).length() <= 64) {
            return "str '" + value + "'";
        }
        if (value instanceof Callable) {
            return ((Callable) value).qualifiedName;
        }
        if (value instanceof StorageClass) {
            return "torch." + ((StorageClass) value).name();
        }
        if (value instanceof Object[]) {
            return "a tuple of " + ((Object[]) value).length;
        }
        return "a " + value.getClass().getSimpleName();
    }
}
