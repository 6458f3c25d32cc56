package clearbg.model.io;

import static clearbg.model.io.PthReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safetensors files from an untrusted bucket: each must fail with a {@link WeightsFormatException} whose
 * message starts with the source, read from a file or from a stream.
 */
class HostileSafetensorsTest {
    private static final String STREAM = "bucket/model.safetensors";

    @TempDir
    Path dir;

    private static byte[] file(long headerLength, String header, byte[] buffer) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + buffer.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerLength)
                .put(json)
                .put(buffer)
                .array();
    }

    private static byte[] file(String header, byte[] buffer) {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, buffer);
    }

    private static String header(String dtype, String shape, String offsets) {
        return "{\"w\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}}";
    }

    /** The error from a stream. */
    private static String streamError(byte[] bytes) {
        String message = assertThrows(
                        WeightsFormatException.class,
                        () -> SafetensorsReader.read(new ByteArrayInputStream(bytes), STREAM))
                .getMessage();
        assertTrue(message.startsWith(STREAM + ": "), message);
        return message;
    }

    /** The error from a file holding {@code bytes}. */
    private String fileError(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("model.safetensors"), bytes);
        String message = assertThrows(WeightsFormatException.class, () -> SafetensorsReader.read(file))
                .getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        return message;
    }

    @Test
    void headerLengthPastTheLimitIsRefused() throws IOException {
        byte[] bytes = file(SafetensorsFormat.MAX_HEADER_BYTES + 1, "{}", new byte[0]);
        assertContains(streamError(bytes), "header length 100000001 is outside 1..100000000");
        assertContains(fileError(bytes), "header length 100000001");
        assertContains(streamError(file(-1, "{}", new byte[0])), "header length 18446744073709551615");
    }

    @Test
    void headerLengthPastTheFileEndIsRefused() throws IOException {
        byte[] bytes = file(SafetensorsFormat.MAX_HEADER_BYTES, "{}", new byte[0]);
        assertContains(fileError(bytes), "the length prefix declares 100000000 bytes, the file has 2 after it");
        assertContains(streamError(bytes), "truncated safetensors header: 2 of 100000000 bytes");
    }

    @Test
    void bufferLargerThanTheFileIsRefusedWithoutAllocatingIt() throws IOException {
        long elements = 1L << 26; // a 256 MiB claim
        byte[] bytes = file(header("F32", "[" + elements + "]", "[0," + elements * 4 + "]"), new byte[8]);
        assertContains(
                fileError(bytes), "truncated: the header needs a " + elements * 4 + "-byte buffer, the file has 8");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertContains(streamError(bytes), "the file has 8");
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < (16 << 20), "allocated " + allocated + " for a 256 MiB claim");
    }

    @Test
    void bufferOverOneArrayIsRefused() {
        long elements = 1L << 30; // 4 GiB of F32
        assertContains(
                streamError(file(header("F32", "[" + elements + "]", "[0," + elements * 4 + "]"), new byte[0])),
                "4294967296-byte buffer, more than the " + SafetensorsReader.MAX_BUFFER_BYTES);
    }

    @Test
    void shapesAndOffsetsAreCheckedWithExactArithmetic() {
        long big = 1L << 32;
        assertContains(
                streamError(file(header("F32", "[" + big + "," + big + "]", "[0,0]"), new byte[0])),
                "'w'",
                "more than " + TensorDecoder.MAX_ELEMENTS + " elements");
        assertContains(
                streamError(file(header("F32", "[0," + (1L << 40) + "," + (1L << 40) + "]", "[0,0]"), new byte[0])),
                "strides",
                "overflow");
        assertContains(streamError(file(header("F32", "[2.5]", "[0,8]"), new byte[8])), "non-integer");
        assertContains(streamError(file(header("F32", "[-1]", "[0,4]"), new byte[4])), "negative dimension");
        assertContains(streamError(file(header("F32", "[1]", "[-4,0]"), new byte[4])), "do not span");
        assertContains(streamError(file(header("F32", "[1]", "[0,1.5e30]"), new byte[4])), "(integers)");
        assertContains(
                streamError(file(
                        header("F32", "[1]", "[" + (Long.MAX_VALUE - 4) + "," + Long.MAX_VALUE + "]"), new byte[4])),
                "[0, " + (Long.MAX_VALUE - 4) + ") of the buffer belong to no tensor");
        String rank65 = "[" + "1,".repeat(64) + "1]";
        assertContains(streamError(file(header("F32", rank65, "[0,4]"), new byte[4])), "65 dimensions");
    }

    @Test
    void damagedFilesFailOnlyWithFormatErrors() throws IOException {
        byte[] whole = Files.readAllBytes(Fixtures.path("python.safetensors"));
        Random random = new Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] damaged = whole.clone();
            int at = random.nextInt(Math.min(damaged.length, 8 + 512)); // the length prefix and header
            damaged[at] = (byte) random.nextInt(256);
            try {
                SafetensorsReader.read(new ByteArrayInputStream(damaged), STREAM);
            } catch (WeightsFormatException e) {
                assertTrue(e.getMessage().startsWith(STREAM + ": "), e.getMessage());
            } catch (IOException | RuntimeException | Error e) {
                throw new AssertionError("byte " + at + " = " + (damaged[at] & 0xff) + ": escaped as " + e, e);
            }
        }
    }
}
