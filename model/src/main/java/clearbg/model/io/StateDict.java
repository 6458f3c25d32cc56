package clearbg.model.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable, ordered map from parameter/buffer name (e.g. {@code stage1.rebnconvin.conv_s1.weight}) to
 * {@link HostTensor}, in the order of the source (file order for readers, insertion order for {@link #of}).
 * The tensors themselves follow the {@link HostTensor} no-copy contract.
 */
public final class StateDict {
    private final Map<String, HostTensor> tensors;

    private StateDict(Map<String, HostTensor> tensors) {
        this.tensors = tensors;
    }

    /**
     * A state dict with the entries of {@code tensors}, in its iteration order.
     *
     * @throws NullPointerException if the map, a key or a value is null
     */
    public static StateDict of(Map<String, HostTensor> tensors) {
        Map<String, HostTensor> copy = new LinkedHashMap<>();
        tensors.forEach((k, v) -> copy.put(
                Objects.requireNonNull(k, "key"), Objects.requireNonNull(v, () -> "tensor for key '" + k + "'")));
        return new StateDict(Collections.unmodifiableMap(copy));
    }

    /** The names, in order (unmodifiable). */
    public Set<String> keys() {
        return tensors.keySet();
    }

    /**
     * The tensor called {@code key}.
     *
     * @throws NoSuchElementException naming the key if there is none
     */
    public HostTensor get(String key) {
        HostTensor t = tensors.get(key);
        if (t == null) {
            throw new NoSuchElementException("no tensor named '" + key + "' in this state dict (" + size() + " keys)");
        }
        return t;
    }

    /** The entries whose name does not start with {@code prefix}, in order. */
    public StateDict withoutPrefix(String prefix) {
        Map<String, HostTensor> kept = new LinkedHashMap<>();
        tensors.forEach((k, v) -> {
            if (!k.startsWith(prefix)) {
                kept.put(k, v);
            }
        });
        return new StateDict(Collections.unmodifiableMap(kept));
    }

    public boolean contains(String key) {
        return tensors.containsKey(key);
    }

    public int size() {
        return tensors.size();
    }

    /** The entries, in order (unmodifiable). */
    public Map<String, HostTensor> asMap() {
        return tensors;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StateDict && tensors.equals(((StateDict) o).tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        return "StateDict" + tensors;
    }
}
