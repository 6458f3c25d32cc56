package clearbg.jobs.files;

import clearbg.model.image.ImageDecoder;
import clearbg.model.io.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The local disk as a {@link FileStore}: a location is a path, or a {@code file:} URI; listed files come back
 * as {@code file:} URIs. Writes go through {@link AtomicFile}.
 */
public final class LocalFileStore implements FileStore {

    /** The path of {@code location}. */
    static Path path(String location) {
        return location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
    }

    @Override
    public byte[] read(String location) throws IOException {
        return Files.readAllBytes(path(location));
    }

    @Override
    public byte[] read(String location, long maxBytes) {
        return ImageDecoder.readFile(path(location), maxBytes);
    }

    @Override
    public InputStream open(String location) throws IOException {
        return Files.newInputStream(path(location));
    }

    @Override
    public void write(String location, AtomicFile.Content content) throws IOException {
        AtomicFile.write(path(location), content);
    }

    @Override
    public boolean exists(String location) {
        return Files.exists(path(location));
    }

    @Override
    public void rename(String from, String to) throws IOException {
        Files.move(path(from), path(to));
    }

    @Override
    public boolean delete(String location) throws IOException {
        return Files.deleteIfExists(path(location));
    }

    @Override
    public List<String> listFiles(String folder) throws IOException {
        try (Stream<Path> files = Files.walk(path(folder))) {
            return files.filter(Files::isRegularFile)
                    .map(file -> file.toUri().toString())
                    .sorted()
                    .toList();
        }
    }

    @Override
    public long modificationTime(String location) throws IOException {
        try {
            return Files.getLastModifiedTime(path(location)).toMillis();
        } catch (NoSuchFileException e) {
            return -1;
        }
    }
}
