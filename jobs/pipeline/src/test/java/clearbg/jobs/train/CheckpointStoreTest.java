package clearbg.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.jobs.files.LocalFileStore;
import clearbg.model.io.HostTensor;
import clearbg.model.io.StateDict;
import clearbg.model.io.TensorSource;
import clearbg.model.io.TensorType;
import clearbg.model.nn.Arch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints carry the SHA-256 of their tensors: a flipped bit or a truncated file is refused by name, and the
 * newest intact checkpoint is found by setting the corrupt ones aside.
 */
class CheckpointStoreTest {

    @TempDir
    Path dir;

    private final LocalFileStore files = new LocalFileStore();

    @Test
    void aCheckpointReadsBackAndVerifies() throws IOException {
        CheckpointStore store = store();
        String uri = store.write(checkpoint(3));
        assertEquals(3, store.verify(uri).step());
        TrainCheckpoint back = store.read(uri);
        assertArrayEquals(new float[] {3, 1, 2}, back.weights().get("w").floats());
        assertEquals(List.of("w"), List.copyOf(back.weights().keys()));
    }

    @Test
    void aStreamedCheckpointReadsBackAndOneWhoseSourceFailsLeavesNothingBehind() throws IOException {
        CheckpointStore store = store();
        String earlier = store.write(checkpoint(3));
        byte[] earlierBytes = Files.readAllBytes(Path.of(java.net.URI.create(earlier)));
        CheckpointInfo info = checkpoint(6).info();
        int[] asked = new int[1];
        TensorSource counted = new TensorSource("w", TensorType.FLOAT32, new long[] {2}, () -> {
            asked[0]++;
            return HostTensor.ofFloats(new long[] {2}, new float[] {6, 7});
        });
        String uri = store.write(info, List.of(counted));
        assertEquals(2, asked[0], "asked once for the digest and once for the file");
        assertArrayEquals(new float[] {6, 7}, store.read(uri).weights().get("w").floats());

        TensorSource failing = new TensorSource("w", TensorType.FLOAT32, new long[] {2}, () -> {
            throw new IllegalStateException("the device went away");
        });
        CheckpointInfo later = checkpoint(9).info();
        assertThrows(IllegalStateException.class, () -> store.write(later, List.of(failing)));
        TensorSource lying = new TensorSource(
                "w", TensorType.FLOAT32, new long[] {3}, () -> HostTensor.ofFloats(new long[] {2}, new float[2]));
        IllegalArgumentException mismatch =
                assertThrows(IllegalArgumentException.class, () -> store.write(later, List.of(lying)));
        assertTrue(mismatch.getMessage().contains("'w'"), mismatch.getMessage());
        assertEquals(uri, store.latest().orElseThrow(), "no step-9 checkpoint appeared");
        try (var listing = Files.list(dir.resolve("checkpoints"))) {
            assertEquals(2, listing.count(), "no temporary file is left behind");
        }
        assertArrayEquals(earlierBytes, Files.readAllBytes(Path.of(java.net.URI.create(earlier))));
    }

    @Test
    void aFlippedBitInTheTensorsIsRefusedNamingTheFileAndTheDigest() throws IOException {
        CheckpointStore store = store();
        String uri = store.write(checkpoint(3));
        Path file = Path.of(java.net.URI.create(uri));
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5] ^= 0x10;
        Files.write(file, bytes);
        IOException read = assertThrows(IOException.class, () -> store.read(uri));
        assertTrue(read.getMessage().contains(uri) && read.getMessage().contains("SHA-256"), read.getMessage());
        IOException verify = assertThrows(IOException.class, () -> store.verify(uri));
        assertTrue(verify.getMessage().contains("SHA-256"), verify.getMessage());
    }

    @Test
    void theNewestIntactCheckpointIsFoundAndCorruptOnesAreSetAsideWithAWarning() throws IOException {
        CheckpointStore store = store();
        store.write(checkpoint(3));
        String middle = store.write(checkpoint(6));
        String newest = store.write(checkpoint(9));
        Path newestFile = Path.of(java.net.URI.create(newest));
        byte[] bytes = Files.readAllBytes(newestFile);
        Files.write(newestFile, java.util.Arrays.copyOf(bytes, bytes.length - 4));

        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        Optional<CheckpointInfo> intact = store.newestIntact(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        assertEquals(6, intact.orElseThrow().step());
        String warning = warnings.toString(StandardCharsets.UTF_8);
        assertTrue(warning.contains("warning") && warning.contains(newest) && warning.contains(middle), warning);
        assertFalse(Files.exists(newestFile), "the corrupt checkpoint is no longer a checkpoint");
        assertTrue(Files.exists(Path.of(java.net.URI.create(newest + CheckpointStore.CORRUPT_SUFFIX))), "but kept");
        assertEquals(middle, store.latest().orElseThrow());
    }

    @Test
    void withEveryCheckpointCorruptTheTrainingStartsAfresh() throws IOException {
        CheckpointStore store = store();
        String only = store.write(checkpoint(3));
        Files.writeString(Path.of(java.net.URI.create(only)), "not a checkpoint");
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        assertEquals(Optional.empty(), store.newestIntact(new PrintStream(warnings, true, StandardCharsets.UTF_8)));
        assertTrue(warnings.toString(StandardCharsets.UTF_8).contains("starting afresh"));
    }

    @Test
    void aResumeWithOtherTrainingParametersIsRefusedNamingThemUnlessAllowed() {
        String before = ParamsJson.of(Map.of("lr", "0.001", "crop", "288", "max_steps", "100", "seed", "1"));
        String after = ParamsJson.of(Map.of("lr", "0.002", "crop", "256", "max_steps", "900", "seed", "1"));
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> ResumeCheck.require(before, after, Set.of(), "ck"));
        assertTrue(refused.getMessage().contains("crop 288 -> 256, lr 0.001 -> 0.002"), refused.getMessage());
        assertFalse(refused.getMessage().contains("max_steps"), "steps may change freely: " + refused.getMessage());
        IllegalArgumentException onlyCrop = assertThrows(
                IllegalArgumentException.class, () -> ResumeCheck.require(before, after, Set.of("lr"), "ck"));
        assertFalse(onlyCrop.getMessage().contains("lr "), onlyCrop.getMessage());
        ResumeCheck.require(before, after, Set.of("lr", "crop"), "ck");
        ResumeCheck.require(before, before, Set.of(), "ck");
    }

    @Test
    void onlyTrainingParametersMayBeAllowedToChange() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new CheckpointPolicy("file:///c", 1, 1, true, null, Set.of("max_steps")));
        assertTrue(e.getMessage().contains("max_steps is not a training parameter"), e.getMessage());
    }

    private CheckpointStore store() {
        return new CheckpointStore(files, dir.resolve("checkpoints").toUri().toString(), 5);
    }

    private static TrainCheckpoint checkpoint(long step) {
        CheckpointInfo info = new CheckpointInfo(Arch.U2NETP, step, 0, (int) step, 7, 1, 2, "{}", "", List.of());
        StateDict weights = StateDict.of(Map.of("w", HostTensor.ofFloats(new long[] {3}, new float[] {step, 1, 2})));
        StateDict optimizer =
                StateDict.of(Map.of("optimizer.step", HostTensor.ofLongs(new long[0], new long[] {step})));
        return new TrainCheckpoint(info, weights, optimizer);
    }
}
