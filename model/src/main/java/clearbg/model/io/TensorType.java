package clearbg.model.io;

/** Element type of a {@link HostTensor}: every floating dtype is held as FLOAT32, every integer dtype as INT64. */
public enum TensorType {
    /** 32-bit IEEE float, held in a {@code float[]}. */
    FLOAT32,
    /** 64-bit signed integer, held in a {@code long[]}. */
    INT64
}
