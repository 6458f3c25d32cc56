package clearbg.model.io;

import static clearbg.model.io.Pickles.bytes;
import static clearbg.model.io.Pickles.le32;
import static clearbg.model.io.PthReaderTest.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.nn.Arch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code .pth} files from an untrusted bucket: each is built here, and each must fail with a
 * {@link WeightsFormatException} whose message starts with the file name, having run nothing and allocated
 * far less than the file claims.
 */
class HostilePthTest {
    private static final long TWO_GIB = 1L << 31;
    /** Heap a refused bomb may allocate on this thread: well under the 2 GiB it inflates to. */
    private static final long SMALL_ALLOCATION = 32L << 20;

    private static DeflatedData twoGibOfZeros;

    @TempDir
    Path dir;

    /** One tensor of the pickle: {@code name} is a view of storage {@code key}. */
    private record Spec(
            String name, String storageClass, String key, long numel, long offset, long[] size, long[] stride) {
        static Spec floats(long numel, long[] size, long[] stride) {
            return new Spec("w", "FloatStorage", "0", numel, 0, size, stride);
        }
    }

    @BeforeAll
    static void deflateTheBomb() {
        twoGibOfZeros = DeflatedData.zeros((int) (TWO_GIB >> 20));
    }

    private static byte[] stateDict(Spec... specs) {
        PickleWriter p = new PickleWriter().protocol2();
        p.global("collections", "OrderedDict").emptyTuple().reduce().mark();
        for (Spec s : specs) {
            p.string(s.name());
            PthWriter.rebuildTensor(p, s.storageClass(), s.key(), s.numel(), s.offset(), s.size(), s.stride());
        }
        return p.setItems().stop().toByteArray();
    }

    /** A torch.save-like archive: stored data.pkl, byteorder and storage records under archive/. */
    private Path pth(String name, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path file = dir.resolve(name);
        try (RawZip zip = new RawZip(file)) {
            zip.stored("archive/data.pkl", pickle).stored("archive/byteorder", ascii("little"));
            for (Map.Entry<String, byte[]> s : storages.entrySet()) {
                zip.stored("archive/data/" + s.getKey(), s.getValue());
            }
        }
        return file;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The message of the WeightsFormatException reading {@code file} throws, checked to start with the file. */
    private static String error(Path file) {
        String message = assertThrows(WeightsFormatException.class, () -> PthReader.read(file))
                .getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        return message;
    }

    private interface Action {
        void run() throws IOException;
    }

    /** Bytes the current thread allocates on the heap while {@code action} runs. */
    private static long allocatedBy(Action action) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        action.run();
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** Bytes allocated while reading {@code file} fails with a message containing {@code expected}. */
    private static long refusedWithin(Path file, String... expected) throws IOException {
        PthReader.read(Fixtures.path("tiny.pth")); // load the reader's classes first
        return allocatedBy(() -> assertContains(error(file), expected));
    }

    @Test
    void genuineStateDictWrittenByPthWriterStillLoads() throws IOException {
        StateDict original = PthReader.read(Fixtures.path("mixed.pth"));
        Path file = dir.resolve("roundtrip.pth");
        PthWriter.write(original, file);
        assertEquals(original, PthReader.read(file));
        try (InputStream in = Files.newInputStream(file)) {
            assertEquals(original, PthReader.read(in, "stream"));
        }
    }

    @Test
    void osSystemWithReduceIsRefusedByNameAndRunsNothing() throws IOException {
        Path marker = dir.resolve("pwned");
        String command = "touch " + marker;
        byte[] pickle = bytes(0x80, 2, "cos\nsystem\n", 'X', le32(command.length()), command, 0x85, 'R', '.');
        assertContains(error(pth("system.pth", pickle, Map.of())), "os.system");
        assertFalse(Files.exists(marker), "the command ran");
    }

    @Test
    void twoToTheThirtyOneByteStringAndNegativeLengthAreRefused() throws IOException {
        byte[] hugeKey = bytes(0x80, 2, '}', '(', 'X', le32(TWO_GIB), "w", '.');
        assertContains(error(pth("hugekey.pth", hugeKey, Map.of())), "length 2147483648 is more than the 2 bytes");
        byte[] hugeBytes = bytes(0x80, 3, 'B', le32(TWO_GIB), '.');
        assertContains(error(pth("hugebytes.pth", hugeBytes, Map.of())), "length 2147483648");
        byte[] negative = bytes(0x80, 2, '}', '(', 'T', le32(-2), "w", '.');
        assertContains(error(pth("negative.pth", negative, Map.of())), "negative length -2");
    }

    @Test
    void bombFixtureReallyInflatesToTwoGibibytes() throws IOException {
        Path file = dir.resolve("bomb.zip");
        try (RawZip zip = new RawZip(file)) {
            zip.deflated("zeros", twoGibOfZeros, TWO_GIB);
        }
        assertTrue(Files.size(file) < (4 << 20), "compressed to " + Files.size(file));
        try (ZipFile zip = new ZipFile(file.toFile());
                InputStream in = zip.getInputStream(zip.getEntry("zeros"))) {
            assertEquals(TWO_GIB, in.transferTo(OutputStream.nullOutputStream()));
        }
    }

    @Test
    void storageBombDeclaringItsSizeIsRefusedBeforeInflating() throws IOException {
        Path file = bomb("storage-bomb.pth", "archive/data/0", TWO_GIB);
        long allocated = refusedWithin(
                file, "record archive/data/0 declares 2147483648 bytes", "storage 0's elements need at most 16");
        assertTrue(allocated < SMALL_ALLOCATION, "allocated " + allocated);
    }

    @Test
    void storageBombWithALyingHeaderIsRefusedAfterItsDeclaredSize() throws IOException {
        Path file = bomb("lying-storage-bomb.pth", "archive/data/0", 16);
        long allocated =
                refusedWithin(file, "record archive/data/0 inflates past the 16 bytes", "refused after reading 17");
        assertTrue(allocated < SMALL_ALLOCATION, "allocated " + allocated);
    }

    @Test
    void pickleBombIsRefusedBeforeInflatingOrAfterTheCap() throws IOException {
        Path honest = bomb("pickle-bomb.pth", "archive/data.pkl", TWO_GIB);
        long allocated = refusedWithin(
                honest,
                "record archive/data.pkl declares 2147483648 bytes",
                "data.pkl may hold at most " + ZipRecords.MAX_PICKLE_BYTES);
        assertTrue(allocated < SMALL_ALLOCATION, "allocated " + allocated);

        Path lying = bomb("lying-pickle-bomb.pth", "archive/data.pkl", ZipRecords.MAX_PICKLE_BYTES);
        allocated = refusedWithin(lying, "inflates past the " + ZipRecords.MAX_PICKLE_BYTES + " bytes");
        assertTrue(allocated < 4 * ZipRecords.MAX_PICKLE_BYTES, "allocated " + allocated);
    }

    /**
     * An archive with one float tensor of 4 elements in storage 0, where record {@code bombName} is 2 GiB of
     * deflated zeros whose headers declare {@code declaredSize} bytes.
     */
    private Path bomb(String name, String bombName, long declaredSize) throws IOException {
        Path file = dir.resolve(name);
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("archive/data.pkl", stateDict(Spec.floats(4, new long[] {4}, new long[] {1})));
        records.put("archive/byteorder", ascii("little"));
        records.put("archive/data/0", new byte[16]);
        try (RawZip zip = new RawZip(file)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                if (r.getKey().equals(bombName)) {
                    zip.deflated(bombName, twoGibOfZeros, declaredSize);
                } else {
                    zip.stored(r.getKey(), r.getValue());
                }
            }
        }
        return file;
    }

    @Test
    void aTensorLargerThanAnyKnownArchitecturesIsRefusedBeforeItsStorageIsRead() throws IOException {
        long elements = TWO_GIB / Float.BYTES; // honestly declared: 2 GiB of deflated zeros, a 2 MB file
        Path file = dir.resolve("huge-tensor.pth");
        try (RawZip zip = new RawZip(file)) {
            zip.stored("archive/data.pkl", stateDict(Spec.floats(elements, new long[] {elements}, new long[] {1})));
            zip.stored("archive/byteorder", ascii("little"));
            zip.deflated("archive/data/0", twoGibOfZeros, TWO_GIB);
        }
        PthReader.read(Fixtures.path("tiny.pth")); // load the reader's classes first
        long allocated = allocatedBy(() -> assertContains(
                assertThrows(WeightsFormatException.class, () -> PthReader.read(file, Arch.largestTensorElements()))
                        .getMessage(),
                "tensor 'w' declares " + elements + " elements, more than the 4718592"));
        assertTrue(allocated < 64L << 20, "allocated " + allocated);
        assertEquals(4_718_592L, Arch.largestTensorElements());
    }

    @Test
    void overflowingStrideOrShapeIsRefused() throws IOException {
        Path stride = pth(
                "stride.pth",
                stateDict(Spec.floats(4, new long[] {3}, new long[] {1L << 62})),
                Map.of("0", new byte[16]));
        assertContains(error(stride), "tensor 'w'", "2^63");
        Path shape = pth(
                "shape.pth",
                stateDict(Spec.floats(4, new long[] {1L << 32, 1L << 32}, new long[] {0, 0})),
                Map.of("0", new byte[16]));
        assertContains(error(shape), "tensor 'w'", "more than " + TensorDecoder.MAX_ELEMENTS + " elements");
        Path outside = pth(
                "outside.pth",
                stateDict(Spec.floats(4, new long[] {2, 2}, new long[] {3, 1})),
                Map.of("0", new byte[16]));
        assertContains(error(outside), "tensor 'w'", "outside its storage of 4 elements");
    }

    @Test
    void storageSizesAreExactAndBounded() throws IOException {
        Path overflow = pth(
                "numel.pth",
                stateDict(Spec.floats(1L << 62, new long[] {1}, new long[] {1})),
                Map.of("0", new byte[16]));
        assertContains(error(overflow), "storage 0", "declares 4611686018427387904 elements");
        Path negative = pth(
                "negnumel.pth", stateDict(Spec.floats(-1, new long[] {1}, new long[] {1})), Map.of("0", new byte[16]));
        assertContains(error(negative), "declares -1 elements");
        Path longer =
                pth("longer.pth", stateDict(Spec.floats(2, new long[] {2}, new long[] {1})), Map.of("0", new byte[16]));
        assertContains(error(longer), "declares 16 bytes; storage 0's elements need at most 8");
        Path shorter =
                pth("shorter.pth", stateDict(Spec.floats(4, new long[] {2}, new long[] {1})), Map.of("0", new byte[8]));
        assertContains(error(shorter), "storage 0 holds 8 bytes, but its elements need 16");
        Path disagree = pth(
                "disagree.pth",
                stateDict(
                        Spec.floats(4, new long[] {4}, new long[] {1}),
                        new Spec("v", "FloatStorage", "0", 2, 0, new long[] {2}, new long[] {1})),
                Map.of("0", new byte[16]));
        assertContains(error(disagree), "storage 0 is declared with 16 bytes and, by tensor 'v', with 8");
    }

    @Test
    void tensorsThatWouldNotFitInTheHeapAreRefusedBeforeReadingStorages() throws IOException {
        long numel = 1L << 28; // one storage of 1 GiB, viewed by 64 tensors: 64 GiB decoded
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            specs.add(new Spec("w" + i, "FloatStorage", "0", numel, 0, new long[] {numel}, new long[] {1}));
        }
        Path file = pth("shared.pth", stateDict(specs.toArray(Spec[]::new)), Map.of());
        assertContains(error(file), "maximum heap");
    }

    @Test
    void aDictThatWrapsItselfIsRefusedNotLoopedOver() throws IOException {
        byte[] selfWrapping = bytes(0x80, 2, '}', 'q', 0, 'X', le32(10), "state_dict", 'h', 0, 's', '.');
        assertContains(error(pth("loop.pth", selfWrapping, Map.of())), "wrapped in more than");
    }
}
