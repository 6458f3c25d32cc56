package clearbg.jobs.remove;

import java.io.IOException;

/**
 * Where a background removal reads its inputs and writes its outputs, by location string (a Hadoop URI
 * for the Spark job, a local path for {@code clearbg remove}).
 */
public interface RemoveStore {

    /**
     * The whole content of {@code location}, never more than {@code maxBytes}.
     *
     * @throws clearbg.model.image.ImageDecodeException naming the location when it holds more
     * @throws IOException when it cannot be read
     */
    byte[] read(String location, long maxBytes) throws IOException;

    /** The modification time of {@code location} in ms since the epoch, or -1 when it does not exist. */
    long modificationTime(String location) throws IOException;

    /** Writes {@code bytes} to {@code location} whole or not at all (readers never see a partial file). */
    void write(String location, byte[] bytes) throws IOException;
}
