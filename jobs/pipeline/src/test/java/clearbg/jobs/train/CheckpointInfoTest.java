package clearbg.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.nn.Arch;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointInfoTest {

    private static final StepLog SEVEN = new StepLog(
            7,
            1,
            4.123456789,
            new double[] {0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67},
            1e-3,
            5.4321,
            14_531_234L,
            314_898_765L,
            152_601_111L,
            276_417_999L,
            2_250_400L);
    private static final StepLog EIGHT = new StepLog(
            8,
            1,
            3.5,
            new double[] {0.5, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56},
            1e-3,
            6.0,
            1_000_000L,
            2_000_000L,
            3_000_000L,
            4_000_000L,
            0L);

    @Test
    void aStepLogLineReadsBackToTheSameLine() {
        StepLog parsed = StepLog.parseCsvLine(SEVEN.csvLine());
        assertEquals(SEVEN.csvLine(), parsed.csvLine());
        assertEquals(7, parsed.step());
        assertEquals(0.61, parsed.fusedLoss());
        assertEquals(0.67, parsed.outputLosses()[6]);
        assertEquals(14_531_000L, parsed.dataNanos(), "milliseconds with three decimals, as the line holds them");
        assertEquals(2_250_000L, parsed.dataWaitNanos());
        assertEquals(StepLog.CSV_HEADER.split(",").length, SEVEN.csvLine().split(",").length);
    }

    @Test
    void aLineOfTheOlderSixteenFieldFormatReadsWithNoWait() {
        String older = SEVEN.csvLine().substring(0, SEVEN.csvLine().lastIndexOf(','));
        StepLog parsed = StepLog.parseCsvLine(older);
        assertEquals(0, parsed.dataWaitNanos());
        assertEquals(SEVEN.loss(), parsed.loss(), 1e-6);
    }

    @Test
    void aShortStepLogLineIsRefusedWithTheExpectedFields() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> StepLog.parseCsvLine("7,1,4.1"));
        assertTrue(e.getMessage().contains("17 fields " + StepLog.CSV_HEADER + ", got 3: 7,1,4.1"), e.getMessage());
    }

    @Test
    void theEpochsStepsSoFarTravelInTheMetadata() {
        CheckpointInfo info = info(List.of(SEVEN, EIGHT));
        CheckpointInfo read = CheckpointInfo.fromMetadata(info.toMetadata(), "step-8");
        assertEquals(
                List.of(SEVEN.csvLine(), EIGHT.csvLine()),
                read.epochSteps().stream().map(StepLog::csvLine).toList());
        assertEquals(8, read.step());
        assertEquals(2, read.stepInEpoch());

        assertEquals(
                List.of(),
                CheckpointInfo.fromMetadata(info(List.of()).toMetadata(), "step-6")
                        .epochSteps());
    }

    @Test
    void aCheckpointWithoutStepLogsHasNoneAndABrokenOneIsNamed() {
        Map<String, String> metadata = new LinkedHashMap<>(info(List.of(SEVEN)).toMetadata());
        metadata.remove("epoch_steps");
        assertEquals(List.of(), CheckpointInfo.fromMetadata(metadata, "old").epochSteps());

        metadata.put("epoch_steps", "7,1,x");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CheckpointInfo.fromMetadata(metadata, "step-8"));
        assertTrue(e.getMessage().startsWith("step-8: its epoch_steps metadata does not parse: "), e.getMessage());
    }

    private static CheckpointInfo info(List<StepLog> epochSteps) {
        return new CheckpointInfo(
                Arch.U2NETP, 6L + epochSteps.size(), 1, epochSteps.size(), 7, 2, 2, "{}", "", epochSteps);
    }
}
