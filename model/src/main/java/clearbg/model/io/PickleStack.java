package clearbg.model.io;

import java.util.ArrayList;
import java.util.List;

/**
 * The unpickler's stack of values and marks. Bounded: at most {@link #MAX_DEPTH} entries at a time and at most
 * {@link #MAX_PUSHES} values pushed over the whole pickle (every value a pickle builds is pushed once, so this
 * bounds the objects it can make: roughly {@code MAX_PUSHES} times the 64 bytes of the largest empty
 * container, plus the strings, which the pickle's own length bounds). Popping past a mark or an empty stack is
 * an error, never an index exception.
 */
final class PickleStack {
    /** Most entries (values and marks) on the stack at once; a state dict needs a few thousand. */
    static final int MAX_DEPTH = 1 << 16;
    /** Most values pushed in total; a state dict needs a few dozen per tensor. */
    static final int MAX_PUSHES = 1 << 21;

    private static final Object MARK = new Object();

    private final List<Object> entries = new ArrayList<>();
    private int pushes;

    void push(Object value) throws UnpicklingError {
        if (++pushes > MAX_PUSHES) {
            throw new UnpicklingError("more than " + MAX_PUSHES + " values");
        }
        add(value);
    }

    void pushMark() throws UnpicklingError {
        add(MARK);
    }

    /** Removes and returns the top value. */
    Object pop() throws UnpicklingError {
        Object value = peek();
        entries.remove(entries.size() - 1);
        return value;
    }

    /** The top value, left in place. */
    Object peek() throws UnpicklingError {
        if (entries.isEmpty()) {
            throw new UnpicklingError("stack underflow");
        }
        Object value = entries.get(entries.size() - 1);
        if (value == MARK) {
            throw new UnpicklingError("a mark where a value was expected");
        }
        return value;
    }

    /** Removes the values above the topmost mark and the mark; returns the values, bottom first. */
    List<Object> popToMark() throws UnpicklingError {
        int mark = entries.lastIndexOf(MARK);
        if (mark < 0) {
            throw new UnpicklingError("no mark on the stack");
        }
        List<Object> above = entries.subList(mark + 1, entries.size());
        List<Object> values = new ArrayList<>(above);
        above.clear();
        entries.remove(mark);
        return values;
    }

    private void add(Object entry) throws UnpicklingError {
        if (entries.size() >= MAX_DEPTH) {
            throw new UnpicklingError("stack deeper than " + MAX_DEPTH);
        }
        entries.add(entry);
    }
}
