package clearbg.jobs.remove;

import clearbg.model.image.ImageDecoder;
import clearbg.model.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Local files as a {@link RemoveStore}: locations are paths; writes go through {@link AtomicFile}. */
public final class LocalRemoveStore implements RemoveStore {

    @Override
    public byte[] read(String location, long maxBytes) {
        return ImageDecoder.readFile(Path.of(location), maxBytes);
    }

    @Override
    public long modificationTime(String location) throws IOException {
        try {
            return Files.getLastModifiedTime(Path.of(location)).toMillis();
        } catch (NoSuchFileException e) {
            return -1;
        }
    }

    @Override
    public void write(String location, byte[] bytes) throws IOException {
        AtomicFile.write(Path.of(location), bytes);
    }
}
