package clearbg.jobs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clearbg.model.transform.FlipMode;
import clearbg.model.transform.TrainingTransform;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class TrainingBatchesTest {

    private static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image, "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<TableSample> samples(int count) {
        List<TableSample> samples = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage photo = new BufferedImage(48 + i, 40, BufferedImage.TYPE_INT_RGB);
            BufferedImage mask = new BufferedImage(48 + i, 40, BufferedImage.TYPE_BYTE_GRAY);
            Graphics2D g = photo.createGraphics();
            g.setColor(new Color(30 * i % 255, 90, 200));
            g.fillRect(i, 5, 20, 20);
            g.dispose();
            Graphics2D m = mask.createGraphics();
            m.setColor(Color.WHITE);
            m.fillRect(i, 5, 20, 20);
            m.dispose();
            samples.add(new TableSample("DUTS/DUTS-TR/s" + i, png(photo), png(mask)));
        }
        return samples;
    }

    private static List<TrainingBatch> all(int prefetch) {
        TrainingTransform transform = new TrainingTransform(40, 32, FlipMode.BOTH, 0);
        List<TrainingBatch> batches = new ArrayList<>();
        try (TrainingBatches iterator = new TrainingBatches(samples(9).iterator(), 3, transform, 11, 2, prefetch)) {
            while (iterator.hasNext()) {
                batches.add(iterator.next());
            }
        }
        return batches;
    }

    @Test
    void batchesPreparedAheadEqualBatchesPreparedInTheStepThread() {
        List<TrainingBatch> inline = all(0);
        assertEquals(3, inline.size());
        for (int prefetch : new int[] {1, 2, 3}) { // up to 3 batches prepared side by side on 3 threads
            List<TrainingBatch> ahead = all(prefetch);
            assertEquals(inline.size(), ahead.size());
            for (int i = 0; i < inline.size(); i++) {
                assertArrayEquals(inline.get(i).images(), ahead.get(i).images(), "batch " + i + ", " + prefetch);
                assertArrayEquals(inline.get(i).labels(), ahead.get(i).labels(), "batch " + i + ", " + prefetch);
                assertTrue(ahead.get(i).loadNanos() > 0);
            }
        }
        for (TrainingBatch batch : inline) {
            assertTrue(
                    batch.waitNanos() >= batch.loadNanos(),
                    "without prefetching the step waits for the whole preparation");
        }
    }

    @Test
    void aShardEndingInsideABatchIsNamedAndABadRowFailsWithItsId() {
        TrainingTransform transform = new TrainingTransform(40, 32, FlipMode.NONE, 0);
        for (int prefetch : new int[] {0, 2}) {
            try (TrainingBatches batches = new TrainingBatches(samples(4).iterator(), 3, transform, 1, 0, prefetch)) {
                assertEquals(3, batches.next().size());
                assertTrue(batches.hasNext());
                NoSuchElementException e = assertThrows(NoSuchElementException.class, batches::next);
                assertTrue(e.getMessage().contains("the shard ended inside a batch (1 of 3 samples)"), e.getMessage());
            }
        }
        List<TableSample> bad = new ArrayList<>(samples(2));
        bad.add(new TableSample("DUTS/DUTS-TR/broken", new byte[] {1, 2, 3}, new byte[] {4}));
        try (TrainingBatches batches = new TrainingBatches(bad.iterator(), 3, transform, 1, 0, 1)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, batches::next);
            assertTrue(e.getMessage().contains("training sample DUTS/DUTS-TR/broken cannot be used"), e.getMessage());
            assertFalse(batches.hasNext());
        }
    }
}
