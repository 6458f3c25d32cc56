/**
 * Weights I/O with plain Java arrays: no engine, no Spark, no Python at run time.
 *
 * <ul>
 *   <li>{@link clearbg.model.io.HostTensor} and {@link clearbg.model.io.StateDict}: named tensors on the heap
 *       (FLOAT32 or INT64 only; other dtypes are converted on read).</li>
 *   <li>{@link clearbg.model.io.PthReader}: {@code torch.save(model.state_dict(), f)} files (zip format).</li>
 *   <li>{@link clearbg.model.io.SafetensorsReader} / {@link clearbg.model.io.SafetensorsWriter}: the
 *       safetensors format.</li>
 *   <li>{@link clearbg.model.io.Weights}: reads either format, detected by content.</li>
 *   <li>{@link clearbg.model.io.StateDictCheck}: compares a state dict with the keys and shapes a model expects.</li>
 * </ul>
 *
 * <p>Malformed input is reported as {@link clearbg.model.io.WeightsFormatException}, a model/weights mismatch
 * as {@link clearbg.model.io.WeightsMismatchException}; both are checked {@link java.io.IOException}s whose
 * messages name the source. Tensors and files are limited to 2^31-1 elements/bytes each (Java arrays).
 *
 * <p>Weights may come from untrusted places: the readers execute nothing, check every size a file declares
 * (exactly, before allocating or inflating anything) against the limits their Javadoc states, refuse a read
 * that would not fit in the heap ({@code HeapCheck}), and let no exception but
 * {@link clearbg.model.io.WeightsFormatException} escape for malformed content.
 */
package clearbg.model.io;
