package clearbg.model.io;

/**
 * Why a {@code data.pkl} record cannot be unpickled: malformed, over a limit, or naming something a state dict
 * may not contain. Thrown inside the unpickler only; {@link TorchUnpickler#load} turns it into a
 * {@link WeightsFormatException} that names the file and the byte offset of the failing opcode.
 */
final class UnpicklingError extends Exception {
    private static final long serialVersionUID = 1L;

    UnpicklingError(String reason) {
        super(reason);
    }
}
