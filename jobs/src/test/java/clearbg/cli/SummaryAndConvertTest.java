package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.io.PthReader;
import clearbg.model.io.SafetensorsReader;
import clearbg.model.io.StateDict;
import clearbg.model.io.Weights;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummaryAndConvertTest {

    @TempDir
    Path dir;

    @Test
    void summaryPrintsThePublishedParameterCounts() throws Exception {
        CliRun full = CliRun.of("summary", "--arch", "u2net", "--json", "--height", "64", "--width", "96");
        assertEquals(0, full.exitCode(), full.err());
        JsonNode json = new ObjectMapper().readTree(full.out());
        assertEquals(44_009_869L, json.get("parameters").asLong());
        assertEquals(798, json.get("stateDictKeys").asInt());
        assertEquals(7, json.get("outputs").size());
        assertEquals("[1,1,64,96]", json.get("outputs").get(0).toString());

        CliRun small = CliRun.of("summary", "--arch", "u2netp");
        assertEquals(0, small.exitCode(), small.err());
        assertTrue(small.out().contains("1,131,181"), small.out());
        assertTrue(small.out().contains("(1, 1, 320, 320)"), small.out());
    }

    @Test
    void usageErrorsExitWithTwo() {
        CliRun unknownArch = CliRun.of("summary", "--arch", "resnet");
        assertEquals(2, unknownArch.exitCode());
        assertTrue(unknownArch.err().contains("expected u2net or u2netp"), unknownArch.err());
        assertEquals(2, CliRun.of("summary", "--arch", "u2netp", "--height", "16").exitCode());
        assertEquals(2, CliRun.of("frobnicate").exitCode());
        assertEquals(0, CliRun.of("remove", "--help").exitCode());
    }

    @Test
    void convertGoesFromSafetensorsToPthAndBackUnchanged() throws Exception {
        Path initial = dir.resolve("init.safetensors");
        assertEquals(0, CliRun.of("init", "--arch", "u2netp", "--seed", "5", initial.toString()).exitCode());
        Path pth = dir.resolve("w.pth");
        CliRun toPth = CliRun.of("convert", initial.toString(), pth.toString());
        assertEquals(0, toPth.exitCode(), toPth.err());
        Path back = dir.resolve("back.safetensors");
        assertEquals(0, CliRun.of("convert", pth.toString(), back.toString()).exitCode());

        StateDict original = SafetensorsReader.read(initial);
        assertEquals(original, PthReader.read(pth));
        assertEquals(original, Weights.read(back));
        assertEquals(798, original.size());
    }

    @Test
    void convertRefusesToOverwriteAndNamesBadInput() throws Exception {
        Path text = dir.resolve("notes.pth");
        Files.writeString(text, "these are not weights");
        CliRun bad = CliRun.of("convert", text.toString(), dir.resolve("x.safetensors").toString());
        assertEquals(1, bad.exitCode());
        assertTrue(bad.err().contains("notes.pth"), bad.err());

        Path existing = dir.resolve("exists.safetensors");
        Files.writeString(existing, "keep me");
        CliRun refused = CliRun.of("convert", text.toString(), existing.toString());
        assertEquals(2, refused.exitCode());
        assertEquals("keep me", Files.readString(existing));
        assertEquals(2, CliRun.of("convert", text.toString(), dir.resolve("x.bin").toString()).exitCode());
    }
}
