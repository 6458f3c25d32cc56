package clearbg.model.io;

import java.io.IOException;

/**
 * A weights file that cannot be read: not a supported format, truncated, inconsistent or using an unsupported
 * dtype. The message starts with the source (file name or the name given by the caller) and says why.
 */
public final class WeightsFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public WeightsFormatException(String source, String reason) {
        super(source + ": " + reason);
    }

    public WeightsFormatException(String source, String reason, Throwable cause) {
        super(source + ": " + reason, cause);
    }
}
