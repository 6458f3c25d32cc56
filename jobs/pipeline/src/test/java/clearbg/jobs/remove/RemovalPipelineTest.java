package clearbg.jobs.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;

import clearbg.jobs.files.LocalFileStore;
import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodeLimits;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.PhaseTimer;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each input counts as in a run's report: done once, whichever attempt of the run wrote it. The network is
 * replaced by a mask of grey 200 (this test is about the report, not the masks: those are tested end to end).
 */
class RemovalPipelineTest {

    @TempDir
    Path dir;

    private final MaskPredictor grey = (images, timer) -> images.stream()
            .map(image -> {
                byte[] values = new byte[image.width() * image.height()];
                java.util.Arrays.fill(values, (byte) 200);
                return new MaskImage(image.width(), image.height(), values);
            })
            .toList();

    @Test
    void anOutputWrittenByAnotherAttemptOfThisRunCountsAsDoneAndOneFromAnEarlierRunAsSkipped() throws Exception {
        Path input = dir.resolve("a.png");
        ImageIO.write(new BufferedImage(20, 10, BufferedImage.TYPE_INT_RGB), "png", input.toFile());
        Path output = dir.resolve("out/a.png");
        RemoveRequest request = new RemoveRequest(
                "a.png",
                input.toUri().toString(),
                Files.size(input),
                Files.getLastModifiedTime(input).toMillis(),
                List.of(new RemoveRequest.Output(output.toUri().toString(), true)));
        long runStart = System.currentTimeMillis();

        assertEquals(List.of(RemoveOutcome.DONE), statuses(request, runStart), "the first attempt does it");
        byte[] written = Files.readAllBytes(output);
        List<RemoveOutcome> again = run(request, runStart);
        assertEquals(RemoveOutcome.DONE, again.get(0).status(), "a second attempt of the same run: done, once");
        assertEquals(
                "written by another attempt of this run (a retried or speculative task)",
                again.get(0).reason());
        assertEquals(List.of(RemoveOutcome.SKIPPED), statuses(request, System.currentTimeMillis() + 1000));
        org.junit.jupiter.api.Assertions.assertArrayEquals(written, Files.readAllBytes(output), "never rewritten");
    }

    private List<String> statuses(RemoveRequest request, long runStart) {
        return run(request, runStart).stream().map(RemoveOutcome::status).toList();
    }

    private List<RemoveOutcome> run(RemoveRequest request, long runStart) {
        RemovalPipeline pipeline = new RemovalPipeline(
                new LocalFileStore(),
                new BudgetedDecoder(DecodeLimits.defaults(), RemovalPipeline.WORK_BYTES_PER_PIXEL),
                grey,
                new RemoveSettings(false, null, false, null, 1, runStart),
                new PhaseTimer());
        return pipeline.process(List.of(request).iterator());
    }
}
