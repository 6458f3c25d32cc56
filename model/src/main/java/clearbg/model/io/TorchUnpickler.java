package clearbg.model.io;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.Opcodes;

/**
 * Unpickles the {@code data.pkl} record of a {@code torch.save} zip archive into plain Java values, without
 * running any Python and without trusting the pickle.
 *
 * <p>Only the opcodes a state dict or a checkpoint dict of protocols 2 to 5 needs are accepted; any other
 * (the text opcodes of protocol 0, {@code INST}, {@code OBJ}, {@code NEWOBJ}, extension codes, sets,
 * out-of-band buffers) is refused. Globals go through the allow-list of {@link TorchGlobals}. Values: None is
 * null, bool {@link Boolean}, int {@link Long} ({@link BigInteger} past 64 bits), float {@link Double}, str
 * {@link String}, bytes {@code byte[]}, tuple {@code Object[]}, list {@link ArrayList}, dict
 * {@link LinkedHashMap} (file order kept). Dict keys must be str, int, bool, float, None or a tuple (Python's
 * hashable values; lists and dicts are refused, so no key can contain itself).
 *
 * <p>Limits, each checked before the work it guards: length prefixes against the bytes left
 * ({@link PickleInput}); stack depth and values built ({@link PickleStack}); memo indices below
 * {@link #MAX_MEMO}; module and global names at most {@link #MAX_NAME_BYTES} bytes each.
 */
final class TorchUnpickler {
    /** Memo indices must lie in {@code [0, MAX_MEMO)}; the pickler numbers them 0, 1, ... */
    static final int MAX_MEMO = 1 << 20;
    /** Longest module or global name of a {@code GLOBAL} opcode. */
    static final int MAX_NAME_BYTES = 256;

    private static final int HIGHEST_PROTOCOL = 5;

    private final PickleInput input;
    private final PickleStack stack = new PickleStack();
    private final Map<Long, Object> memo = new HashMap<>();
    private boolean stopped;
    private Object result;

    private TorchUnpickler(byte[] pickle) {
        this.input = new PickleInput(pickle);
    }

    /**
     * The object tree pickled in {@code pickle}.
     *
     * @param source names the file in error messages
     * @throws WeightsFormatException naming {@code source}, what is wrong and the byte offset of the failing opcode
     */
    static Object load(byte[] pickle, String source) throws WeightsFormatException {
        TorchUnpickler unpickler = new TorchUnpickler(pickle);
        int at = 0;
        try {
            while (!unpickler.stopped) {
                at = unpickler.input.position();
                unpickler.step();
            }
            return unpickler.result;
        } catch (UnpicklingError e) {
            throw new WeightsFormatException(
                    source, "cannot unpickle data.pkl: " + e.getMessage() + " (opcode at byte " + at + ")");
        }
    }

    /** Runs one opcode. */
    private void step() throws UnpicklingError {
        if (input.atEnd()) {
            throw new UnpicklingError("truncated: the pickle ends without STOP");
        }
        int opcode = input.u8();
        switch (opcode) {
            case Opcodes.PROTO -> protocol(input.u8());
            case Opcodes.FRAME -> input.i64(); // a framing hint; the whole pickle is in memory already
            case Opcodes.STOP -> {
                result = stack.pop();
                stopped = true;
            }
            case Opcodes.MARK -> stack.pushMark();
            case Opcodes.POP -> stack.pop();
            case Opcodes.POP_MARK -> stack.popToMark();
            case Opcodes.DUP -> stack.push(stack.peek());
            case Opcodes.NONE -> stack.push(null);
            case Opcodes.NEWTRUE -> stack.push(Boolean.TRUE);
            case Opcodes.NEWFALSE -> stack.push(Boolean.FALSE);
            case Opcodes.BININT -> stack.push((long) input.i32());
            case Opcodes.BININT1 -> stack.push((long) input.u8());
            case Opcodes.BININT2 -> stack.push((long) input.u16());
            case Opcodes.LONG1 -> stack.push(integer(input.bytes(input.u8())));
            case Opcodes.LONG4 -> stack.push(integer(input.bytes(input.i32())));
            case Opcodes.BINFLOAT -> stack.push(input.f64BigEndian());
            case Opcodes.SHORT_BINUNICODE, Opcodes.SHORT_BINSTRING -> stack.push(utf8(input.bytes(input.u8())));
            case Opcodes.BINUNICODE -> stack.push(utf8(input.bytes(input.u32())));
            case Opcodes.BINUNICODE8 -> stack.push(utf8(input.bytes(input.length64())));
            case Opcodes.BINSTRING -> stack.push(utf8(input.bytes(input.i32())));
            case Opcodes.SHORT_BINBYTES -> stack.push(input.bytes(input.u8()));
            case Opcodes.BINBYTES -> stack.push(input.bytes(input.u32()));
            case Opcodes.BINBYTES8 -> stack.push(input.bytes(input.length64()));
            case Opcodes.EMPTY_TUPLE -> stack.push(new Object[0]);
            case Opcodes.TUPLE -> stack.push(stack.popToMark().toArray());
            case Opcodes.TUPLE1 -> stack.push(popTuple(1));
            case Opcodes.TUPLE2 -> stack.push(popTuple(2));
            case Opcodes.TUPLE3 -> stack.push(popTuple(3));
            case Opcodes.EMPTY_LIST -> stack.push(new ArrayList<>());
            case Opcodes.LIST -> stack.push(new ArrayList<>(stack.popToMark()));
            case Opcodes.APPEND -> {
                Object value = stack.pop();
                list(stack.peek()).add(value);
            }
            case Opcodes.APPENDS -> {
                List<Object> values = stack.popToMark();
                list(stack.peek()).addAll(values);
            }
            case Opcodes.EMPTY_DICT -> stack.push(new LinkedHashMap<>());
            case Opcodes.DICT -> {
                Map<Object, Object> dict = new LinkedHashMap<>();
                putAll(dict, stack.popToMark());
                stack.push(dict);
            }
            case Opcodes.SETITEM -> {
                Object value = stack.pop();
                Object key = stack.pop();
                putAll(dict(stack.peek()), Arrays.asList(key, value));
            }
            case Opcodes.SETITEMS -> {
                List<Object> items = stack.popToMark();
                putAll(dict(stack.peek()), items);
            }
            case Opcodes.GLOBAL ->
                stack.push(TorchGlobals.resolve(input.line(MAX_NAME_BYTES), input.line(MAX_NAME_BYTES)));
            case Opcodes.STACK_GLOBAL -> {
                Object name = stack.pop();
                Object module = stack.pop();
                if (!(module instanceof String) || !(name instanceof String)) {
                    throw new UnpicklingError("STACK_GLOBAL needs two strings, found " + TorchGlobals.describe(module)
                            + " and " + TorchGlobals.describe(name));
                }
                stack.push(TorchGlobals.resolve((String) module, (String) name));
            }
            case Opcodes.REDUCE -> {
                Object args = stack.pop();
                stack.push(TorchGlobals.call(stack.pop(), args));
            }
            case Opcodes.BUILD -> {
                stack.pop(); // the state: an OrderedDict's _metadata, not needed
                TorchGlobals.build(stack.peek());
            }
            case Opcodes.BINPERSID -> stack.push(TorchGlobals.persistentLoad(stack.pop()));
            case Opcodes.BINPUT -> memoize(input.u8());
            case Opcodes.LONG_BINPUT -> memoize(input.u32());
            case Opcodes.MEMOIZE -> memoize(memo.size());
            case Opcodes.BINGET -> stack.push(recall(input.u8()));
            case Opcodes.LONG_BINGET -> stack.push(recall(input.u32()));
            default ->
                throw new UnpicklingError(String.format(
                        "opcode 0x%02x%s is not allowed in a state dict",
                        opcode, opcode >= ' ' && opcode <= '~' ? " ('" + (char) opcode + "')" : ""));
        }
    }

    private static void protocol(int version) throws UnpicklingError {
        if (version > HIGHEST_PROTOCOL) {
            throw new UnpicklingError("unsupported pickle protocol " + version);
        }
    }

    /** A little-endian two's-complement integer ({@code LONG1}, {@code LONG4}); empty means 0. */
    private static Object integer(byte[] littleEndian) {
        byte[] bigEndian = new byte[Math.max(littleEndian.length, 1)];
        for (int i = 0; i < littleEndian.length; i++) {
            bigEndian[bigEndian.length - 1 - i] = littleEndian[i];
        }
        BigInteger value = new BigInteger(bigEndian);
        return value.bitLength() < Long.SIZE ? (Object) value.longValue() : value;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private Object[] popTuple(int n) throws UnpicklingError {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = stack.pop();
        }
        return items;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object target) throws UnpicklingError {
        if (!(target instanceof ArrayList)) {
            throw new UnpicklingError("cannot append to " + TorchGlobals.describe(target));
        }
        return (List<Object>) target;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> dict(Object target) throws UnpicklingError {
        if (!(target instanceof Map)) {
            throw new UnpicklingError("cannot set items of " + TorchGlobals.describe(target));
        }
        return (Map<Object, Object>) target;
    }

    /** Puts the pairs {@code key0, value0, key1, value1, ...} into {@code dict}. */
    private static void putAll(Map<Object, Object> dict, List<Object> items) throws UnpicklingError {
        if (items.size() % 2 != 0) {
            throw new UnpicklingError("a dict needs key-value pairs, found " + items.size() + " items");
        }
        for (int i = 0; i < items.size(); i += 2) {
            Object key = items.get(i);
            if (!(key == null
                    || key instanceof String
                    || key instanceof Long
                    || key instanceof BigInteger
                    || key instanceof Boolean
                    || key instanceof Double
                    || key instanceof Object[])) {
                throw new UnpicklingError("unhashable dict key " + TorchGlobals.describe(key));
            }
            dict.put(key, items.get(i + 1));
        }
    }

    private void memoize(long index) throws UnpicklingError {
        if (index >= MAX_MEMO) {
            throw new UnpicklingError("memo index " + index + " is not below " + MAX_MEMO);
        }
        memo.put(index, stack.peek());
    }

    private Object recall(long index) throws UnpicklingError {
        if (!memo.containsKey(index)) {
            throw new UnpicklingError("memo index " + index + " was never stored");
        }
        return memo.get(index);
    }
}
