package clearbg.model.io;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Unpickles the {@code data.pkl} record of a {@code torch.save} zip archive into plain Java objects, without
 * running any Python: dicts become {@link LinkedHashMap}s (file order kept, which Pyrolite's own EMPTY_DICT and
 * SETITEMS handling loses), tensors become {@link TensorRef}s
 * that point into the archive's storage records, and any other Python class becomes an {@link OpaqueObject}
 * (so a checkpoint may carry optimiser state or arguments next to its state dict).
 *
 * <p>Python globals are resolved per instance (Pyrolite's static constructor registry is only read, never
 * changed): {@code torch._utils._rebuild_tensor_v2}, {@code torch._utils._rebuild_parameter},
 * {@code collections.OrderedDict}, {@code torch.<Name>Storage}, then Pyrolite's own constructors.
 */
final class TorchUnpickler extends Unpickler implements AutoCloseable {

  /** A storage record of the archive: {@code <prefix>/data/<key>}, {@code numel} elements of {@code dtype}. */
  record StorageRef(String storageClass, String key, long numel) {}

  /** A tensor view of a storage: {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)}. */
  record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

  /** An instance of a Python class this reader does not interpret; only its name is kept. */
  record OpaqueObject(String pythonClass) {}

  /** The value a pickled {@code torch.<Name>Storage} class object stands for in a persistent id. */
  private record StorageClass(String name) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException("storage class torch." + name + " cannot be instantiated from a pickle");
    }
  }

  /** {@code collections.OrderedDict}; the {@code _metadata} attribute torch sets on state dicts is dropped. */
  static final class OrderedDict extends LinkedHashMap<Object, Object> {
    private static final long serialVersionUID = 1L;
  }

  private final Map<String, IObjectConstructor> globals = Map.of(
      "torch._utils._rebuild_tensor_v2", TorchUnpickler::rebuildTensor,
      "torch._utils._rebuild_parameter", args -> args[0],
      "collections.OrderedDict", args -> new OrderedDict());

  @Override
  protected Object dispatch(short opcode) throws IOException {
    switch (opcode) {
      case Opcodes.GLOBAL:
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        stack.add(resolve(module, name));
        return NO_RETURN_VALUE;
      case Opcodes.STACK_GLOBAL:
        String stackName = (String) stack.pop();
        String stackModule = (String) stack.pop();
        stack.add(resolve(stackModule, stackName));
        return NO_RETURN_VALUE;
      case Opcodes.EMPTY_DICT:
        stack.add(new LinkedHashMap<>());
        return NO_RETURN_VALUE;
      case Opcodes.SETITEMS:
        List<Object> items = stack.pop_all_since_marker();
        @SuppressWarnings("unchecked")
        Map<Object, Object> dict = (Map<Object, Object>) stack.peek();
        for (int i = 0; i + 1 < items.size(); i += 2) {
          dict.put(items.get(i), items.get(i + 1));
        }
        return NO_RETURN_VALUE;
      case Opcodes.BUILD:
        stack.pop(); // the state: OrderedDict metadata or attributes of an opaque object, both unused
        Object target = stack.peek();
        if (!(target instanceof OrderedDict) && !(target instanceof OpaqueObject)) {
          throw new PickleException("cannot set the state of " + target.getClass().getName());
        }
        return NO_RETURN_VALUE;
      default:
        return super.dispatch(opcode);
    }
  }

  private IObjectConstructor resolve(String module, String name) {
    String qualified = module + "." + name;
    IObjectConstructor known = globals.get(qualified);
    if (known != null) {
      return known;
    }
    if (module.equals("torch") && name.endsWith("Storage")) {
      return new StorageClass(name);
    }
    IObjectConstructor pyrolite = objectConstructors.get(qualified);
    return pyrolite != null ? pyrolite : args -> new OpaqueObject(qualified);
  }

  /** Persistent id {@code ('storage', storage_class, key, location, numel)} written by {@code torch.save}. */
  @Override
  protected Object persistentLoad(Object pid) {
    if (!(pid instanceof Object[]) || ((Object[]) pid).length < 5 || !"storage".equals(((Object[]) pid)[0])) {
      throw new PickleException("unsupported persistent id " + describe(pid));
    }
    Object[] t = (Object[]) pid;
    if (!(t[1] instanceof StorageClass)) {
      throw new PickleException("unsupported storage type " + describe(t[1]));
    }
    return new StorageRef(((StorageClass) t[1]).name(), String.valueOf(t[2]), toLong(t[4]));
  }

  private static Object rebuildTensor(Object[] args) {
    if (args.length < 4 || !(args[0] instanceof StorageRef)) {
      throw new PickleException("unexpected arguments to torch._utils._rebuild_tensor_v2");
    }
    return new TensorRef((StorageRef) args[0], toLong(args[1]), toLongs(args[2]), toLongs(args[3]));
  }

  private static long[] toLongs(Object tuple) {
    if (!(tuple instanceof Object[])) {
      throw new PickleException("expected a tuple of ints, found " + describe(tuple));
    }
    Object[] items = (Object[]) tuple;
    long[] out = new long[items.length];
    for (int i = 0; i < items.length; i++) {
      out[i] = toLong(items[i]);
    }
    return out;
  }

  private static long toLong(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    throw new PickleException("expected an int, found " + describe(value));
  }

  private static String describe(Object value) {
    return value == null ? "None" : value.getClass().getSimpleName() + " " + value;
  }
}
