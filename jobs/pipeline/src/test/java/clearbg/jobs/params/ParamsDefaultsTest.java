package clearbg.jobs.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

class ParamsDefaultsTest {

    @Command(name = "demo")
    static final class Demo implements Runnable, ParamsSections {
        @Mixin
        ParamsOption params;

        @Option(names = "--table", required = true)
        String table;

        @Option(names = "--train-splits", split = ",", defaultValue = "DUTS-TR")
        List<String> trainSplits;

        @Option(names = "--lr", defaultValue = "0.001")
        double lr;

        @Option(names = "--resume", negatable = true, defaultValue = "true", fallbackValue = "true")
        boolean resume;

        @Option(names = "--arch", defaultValue = "u2net")
        String arch;

        @Override
        public List<String> paramsSections() {
            return List.of("model", "stages.train");
        }

        @Override
        public void run() {}
    }

    @TempDir
    Path folder;

    private Demo parse(String yaml, String... args) throws Exception {
        Path file = folder.resolve("params.yaml");
        Files.writeString(file, yaml);
        String[] all = new String[args.length + 2];
        all[0] = "--params";
        all[1] = file.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        Demo demo = new Demo();
        CommandLine commandLine = new CommandLine(demo);
        ParamsDefaults.install(commandLine, all);
        commandLine.parseArgs(all);
        return demo;
    }

    @Test
    void keysOfTheSectionsBecomeOptionDefaults() throws Exception {
        Demo demo = parse("""
                model: {arch: u2netp}
                stages:
                  train:
                    table: data/table
                    train_splits: [DUTS-TR, DIS-TR]
                    lr: 0.0005
                    resume: false
                other: {anything: 1}
                """);
        assertEquals("u2netp", demo.arch);
        assertEquals("data/table", demo.table);
        assertEquals(List.of("DUTS-TR", "DIS-TR"), demo.trainSplits);
        assertEquals(0.0005, demo.lr);
        assertFalse(demo.resume);
    }

    @Test
    void theCommandLineWinsAndEmptyValuesKeepTheBuiltInDefault() throws Exception {
        Demo demo = parse("""
                stages: {train: {table: data/table, lr: 0.0005, arch: }}
                """, "--lr", "0.01", "--table", "other");
        assertEquals(0.01, demo.lr);
        assertEquals("other", demo.table);
        assertEquals("u2net", demo.arch);
        assertTrue(demo.resume);
    }

    @Test
    void anUnknownKeyNamesTheFileTheSectionAndTheKey() throws Exception {
        ParamsException e = assertThrows(ParamsException.class, () -> parse("""
                stages: {train: {table: t, learning_rate: 0.1}}
                """));
        assertTrue(
                e.getMessage().contains("params.yaml: stages.train.learning_rate is not a setting of demo"),
                e.getMessage());
        assertTrue(e.getMessage().contains("lr"), e.getMessage());
    }

    @Test
    void badFilesAreNamed() throws Exception {
        assertTrue(assertThrows(ParamsException.class, () -> parse("stages: {train: [1, 2"))
                .getMessage()
                .contains("not valid YAML"));
        assertTrue(assertThrows(ParamsException.class, () -> parse("stages: {train: {table: {nested: 1}}}"))
                .getMessage()
                .contains("stages.train.table must be a value or a list of values"));
        assertTrue(assertThrows(ParamsException.class, () -> parse("- a\n- b\n"))
                .getMessage()
                .contains("expected a mapping of sections"));
        Demo demo = new Demo();
        ParamsException missing = assertThrows(
                ParamsException.class,
                () -> ParamsDefaults.install(
                        new CommandLine(demo), new String[] {"--params=" + folder.resolve("nope.yaml")}));
        assertTrue(missing.getMessage().contains("nope.yaml: no such file"), missing.getMessage());
    }
}
