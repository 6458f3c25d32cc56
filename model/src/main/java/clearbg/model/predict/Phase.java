package clearbg.model.predict;

import java.util.Locale;

/**
 * The steps of removing backgrounds from image files, in pipeline order, as a time split reports them.
 *
 * <ul>
 *   <li>{@link #LOAD}: reading the weights and building the model;</li>
 *   <li>{@link #LIST}: finding the input files and mapping them to outputs;</li>
 *   <li>{@link #DECODE}: reading a file and decoding it into floats;</li>
 *   <li>{@link #RESIZE}: everything the predictor does around the network: RescaleT and ToTensorLab on
 *       the way in, min-max normalisation, the resize back to the original size and quantisation on the
 *       way out;</li>
 *   <li>{@link #FORWARD}: the network's forward pass, the copy of the input tensor in and of the fused
 *       map out included;</li>
 *   <li>{@link #ENCODE}: PNG encoding of the output;</li>
 *   <li>{@link #WRITE}: writing the output file (temporary file, then rename).</li>
 * </ul>
 */
public enum Phase {
    LOAD,
    LIST,
    DECODE,
    RESIZE,
    FORWARD,
    ENCODE,
    WRITE;

    /** The lower-case name used in reports, e.g. {@code forward}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
