package clearbg.model.image;

/**
 * A decoded image with the memory reserved for it; closing it gives the memory back (the arrays stay
 * usable, they are just no longer accounted).
 *
 * @param image the pixels
 * @param encoded the file's bytes
 * @param header what its header declared
 * @param memory the reservation in the JVM's {@link ImageMemoryBudget}
 */
public record DecodedImage(FloatImage image, byte[] encoded, ImageHeader header, ImageMemoryBudget.Reservation memory)
        implements AutoCloseable {

    @Override
    public void close() {
        memory.close();
    }
}
