package clearbg.jobs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import clearbg.model.nn.Arch;
import clearbg.model.optim.AdamSettings;
import clearbg.model.train.BatchNormMode;
import clearbg.model.transform.FlipMode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrainSettingsTest {

    @Test
    void theParamsWrittenToParamsJsonCheckpointsAndMlflowCarryNoCredential() {
        TrainSettings settings = new TrainSettings(
                new TrainRecipe(
                        Arch.U2NETP, 1, 10, 2, 40, 32, FlipMode.VERTICAL, BatchNormMode.BATCH_STATISTICS, 1, null),
                new AdamSettings(1e-3, 0.9, 0.999, 1e-8, 0),
                new TrainData("s3a://AKIA:PLANTED-SECRET@bucket/table?sig=PLANTED-SIG", List.of("DUTS-TR"), null, 0, 0),
                new CheckpointPolicy(
                        "s3a://bucket/run/checkpoints",
                        10,
                        2,
                        true,
                        "https://models.example.org/u2net.pth?X-Amz-Signature=PLANTED-TOKEN",
                        Set.of()),
                1,
                "s3a://bucket/run",
                10,
                10,
                2,
                25);
        String json = settings.paramsJson();
        for (String secret : List.of("PLANTED-SECRET", "PLANTED-SIG", "PLANTED-TOKEN", "AKIA")) {
            assertFalse(json.contains(secret), secret + " in " + json);
        }
        assertEquals("s3a://bucket/table", settings.asParams().get("table"));
        assertEquals("https://models.example.org/u2net.pth", settings.asParams().get("init_weights"));
    }
}
