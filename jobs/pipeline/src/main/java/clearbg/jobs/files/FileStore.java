package clearbg.jobs.files;

import clearbg.model.io.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Files by location string, as the Spark-free pipelines (training, removal) need them: a Hadoop file system
 * for the Spark jobs ({@code HadoopFiles}: {@code s3a://}, {@code hdfs://}, {@code file://}), the local disk
 * for {@code clearbg} ({@link LocalFileStore}), so the same pipeline runs on both.
 */
public interface FileStore {

    /** The whole content of {@code location} (files the job itself trusts: weights, checkpoints, logs). */
    byte[] read(String location) throws IOException;

    /**
     * The whole content of {@code location}, refused from its size before it is read when over
     * {@code maxBytes}, and never read past it.
     *
     * @throws clearbg.model.image.ImageDecodeException naming the location when it holds more
     * @throws IOException when it cannot be read
     */
    byte[] read(String location, long maxBytes) throws IOException;

    /** A stream over {@code location}; the caller closes it. */
    InputStream open(String location) throws IOException;

    /** Writes {@code bytes} to {@code location} whole or not at all (readers never see a partial file). */
    default void write(String location, byte[] bytes) throws IOException {
        write(location, out -> out.write(bytes));
    }

    /**
     * Writes what {@code content} produces to {@code location}, streamed, whole or not at all: readers never see a
     * partial file, and when {@code content} fails nothing is written and an earlier file stays as it was.
     */
    void write(String location, AtomicFile.Content content) throws IOException;

    /** Whether {@code location} exists. */
    boolean exists(String location) throws IOException;

    /** Moves the file {@code from} to {@code to}, which must not exist yet. */
    void rename(String from, String to) throws IOException;

    /** Deletes the file {@code location}; true when it was there. */
    boolean delete(String location) throws IOException;

    /** Every file under {@code folder}, recursively, as locations, sorted. */
    List<String> listFiles(String folder) throws IOException;

    /** The modification time of {@code location} in ms since the epoch, or -1 when it does not exist. */
    long modificationTime(String location) throws IOException;
}
