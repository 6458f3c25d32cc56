package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.io.HostTensor;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.StateDict;
import clearbg.model.io.TensorType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clearbg train} resumes safely: from the newest checkpoint whose tensors match their SHA-256 (a corrupt
 * newest one is set aside and the training resumes from the one before, ending with the weights of an
 * uninterrupted run), and never with other training parameters unless they are named.
 */
class TrainResumeTest {

    @TempDir
    static Path dir;

    private static Path data;

    @BeforeAll
    static void generateData() {
        data = dir.resolve("data");
        CliRun synth = CliRun.of(
                "synth",
                "--layout",
                "duts",
                "--out",
                data.toString(),
                "--train",
                "12",
                "--test",
                "2",
                "--size",
                "64x48",
                "--seed",
                "3");
        assertEquals(0, synth.exitCode(), synth.err());
    }

    @Test
    void aCorruptNewestCheckpointIsSetAsideAndTheRunEndsAsAnUninterruptedOne() throws Exception {
        Path whole = dir.resolve("whole");
        assertEquals(0, train(whole, 12).exitCode());

        Path resumed = dir.resolve("resumed");
        assertEquals(0, train(resumed, 9).exitCode());
        Path newest = resumed.resolve("checkpoints/step-0000000009.safetensors");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 3] ^= 0x01;
        Files.write(newest, bytes);

        CliRun again = train(resumed, 12);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(Files.exists(resumed.resolve("checkpoints/step-0000000009.safetensors.corrupt")));
        assertSameFloats(whole.resolve("weights.safetensors"), resumed.resolve("weights.safetensors"));
    }

    /** 12 pairs in batches of 2: 6 steps per epoch, the last checkpoint of an epoch at its step 6. */
    @Test
    void aRunStoppedAfterAnEpochsLastCheckpointStillListsThatEpochsStepsOnce() throws Exception {
        Path run = dir.resolve("epoch-end");
        assertEquals(0, train(run, 6).exitCode());
        Files.delete(run.resolve("steps.csv")); // as if it stopped after the checkpoint, before steps.csv
        CliRun again = train(run, 12);
        assertEquals(0, again.exitCode(), again.err());
        List<String> steps = Files.readAllLines(run.resolve("steps.csv")).stream()
                .skip(1)
                .map(line -> line.substring(0, line.indexOf(',')))
                .toList();
        assertEquals(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"), steps);
    }

    @Test
    void aResumeWithAnotherLearningRateIsRefusedUnlessNamed() throws Exception {
        Path run = dir.resolve("lr");
        assertEquals(0, train(run, 3).exitCode());
        CliRun refused = train(run, 6, "--lr", "0.002");
        assertNotEquals(0, refused.exitCode());
        assertTrue(
                refused.err().contains("lr 0.001 -> 0.002") && refused.err().contains("--allow-changed-params"),
                refused.err());
        CliRun allowed = train(run, 6, "--lr", "0.002", "--allow-changed-params", "lr");
        assertEquals(0, allowed.exitCode(), allowed.err());
        assertTrue(Files.exists(run.resolve("checkpoints/step-0000000006.safetensors")));
    }

    private static CliRun train(Path out, int steps, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "train",
                "--data",
                data.toString(),
                "--arch",
                "u2netp",
                "--batch",
                "2",
                "--rescale",
                "40",
                "--crop",
                "32",
                "--seed",
                "5",
                "--eps",
                "1e-2",
                "--checkpoint-interval",
                "3",
                "--keep-checkpoints",
                "5",
                "--max-steps",
                Integer.toString(steps),
                "--out",
                out.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertSameFloats(Path expectedFile, Path actualFile) throws Exception {
        StateDict expected = SafetensorsReader.read(expectedFile);
        StateDict actual = SafetensorsReader.read(actualFile);
        assertEquals(expected.keys(), actual.keys());
        for (String key : expected.keys()) {
            HostTensor tensor = expected.get(key);
            if (tensor.type() == TensorType.FLOAT32) {
                assertArrayEquals(tensor.floats(), actual.get(key).floats(), key);
            }
        }
    }
}
