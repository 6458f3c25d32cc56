package clearbg.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import clearbg.cli.ClearBg;
import clearbg.model.io.HostTensor;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.StateDict;
import clearbg.model.io.TensorType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/**
 * What TrainJob's integration tests share: a generated, ingested DUTS table, the command line of tiny u2netp
 * runs, and a bit-for-bit comparison of trained weights.
 */
final class TrainJobFixture {

    private TrainJobFixture() {}

    /**
     * Generates a DUTS layout under {@code dir/src} ({@code trainPairs} DUTS-TR and {@code testPairs} DUTS-TE pairs
     * of 64x48, seed 5) and ingests it with IngestJob through spark-submit on local[2] into {@code dir/table}.
     *
     * @return the table's URI
     */
    static String ingestedTable(Path dir, int trainPairs, int testPairs) throws Exception {
        Path src = dir.resolve("src");
        assertEquals(
                0,
                ClearBg.execute(
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(new StringWriter()),
                        "synth",
                        "--layout",
                        "duts",
                        "--out",
                        src.toString(),
                        "--train",
                        "" + trainPairs,
                        "--test",
                        "" + testPairs,
                        "--size",
                        "64x48",
                        "--seed",
                        "5"));
        Path out = dir.resolve("table");
        SparkSubmit.Result ingest = SparkSubmit.run(
                "local[2]",
                "clearbg.jobs.IngestJob",
                300,
                dir.resolve("ingest.log"),
                "--source",
                src.toUri().toString(),
                "--out",
                out.toUri().toString());
        assertEquals(0, ingest.exitCode(), ingest.output());
        return out.toUri().toString();
    }

    /**
     * TrainJob's arguments for a tiny run on {@code table} into {@code run} ({@code --table} and its value
     * first): RescaleT(40), RandomCrop(32), at most {@code steps} steps, a checkpoint every 3 steps, weight
     * hashes compared every 5, seed 7, Adam eps 1e-2 (see TrainJobIT for why).
     *
     * @param batchNorm {@code batch} or {@code frozen}
     */
    static String[] trainArgs(
            String table, Path run, String arch, int workers, int batch, int steps, String batchNorm) {
        return new String[] {
            "--table",
            table,
            "--arch",
            arch,
            "--workers",
            "" + workers,
            "--batch",
            "" + batch,
            "--rescale",
            "40",
            "--crop",
            "32",
            "--epochs",
            "100",
            "--max-steps",
            "" + steps,
            "--batch-norm",
            batchNorm,
            "--checkpoint-interval",
            "3",
            "--hash-interval",
            "5",
            "--log-interval",
            "5",
            "--seed",
            "7",
            "--eps",
            "1e-2",
            "--out",
            run.toUri().toString()
        };
    }

    /**
     * Asserts that the float tensors of the run folders' {@code weights.safetensors} are equal bit for bit, naming the
     * first that is not.
     */
    static void assertSameWeights(Path expectedRun, Path actualRun, String what) throws Exception {
        StateDict expected = SafetensorsReader.read(expectedRun.resolve("weights.safetensors"));
        StateDict actual = SafetensorsReader.read(actualRun.resolve("weights.safetensors"));
        assertEquals(expected.keys(), actual.keys(), what + ": the same tensors");
        for (String key : expected.keys()) {
            HostTensor tensor = expected.get(key);
            if (tensor.type() == TensorType.FLOAT32) {
                assertArrayEquals(tensor.floats(), actual.get(key).floats(), key + " differs " + what);
            }
        }
    }
}
