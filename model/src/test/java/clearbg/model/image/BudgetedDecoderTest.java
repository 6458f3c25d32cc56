package clearbg.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BudgetedDecoderTest {

    private static final long MIB = 1L << 20;

    /** A small valid PNG whose header claims {@code width x height} pixels of 16-bit RGBA. */
    private static byte[] declared16BitRgba(int width, int height) {
        byte[] png = Encoded.of(new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB), "png");
        ByteBuffer header = ByteBuffer.wrap(png);
        header.putInt(16, width).putInt(20, height);
        png[24] = 16; // bit depth
        png[25] = 6; // colour type RGBA
        return png;
    }

    private static byte[] photo(int width, int height) {
        return Encoded.of(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png");
    }

    @Test
    void headerCountsTheRasterTheReaderWillAllocate() {
        ImageHeader bomb = new ImageDecoder().inspect(declared16BitRgba(9999, 10000), "bomb.png");
        assertEquals(8, bomb.rasterBytesPerPixel());
        assertEquals(3, bomb.channels());
        assertEquals(99_990_000L * (8 + 12), bomb.decodeBytes());
        ImageHeader grey = new ImageDecoder()
                .inspect(Encoded.of(new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY), "png"), "g.png");
        assertEquals(1, grey.rasterBytesPerPixel());
        assertEquals(1, grey.channels());
    }

    @Test
    void anImageOverTheWholeBudgetIsRefusedBeforeDecodingNamingTheSource() {
        BudgetedDecoder decoder = new BudgetedDecoder(new ImageDecoder(), new ImageMemoryBudget(1L << 30), 16);
        ImageDecodeException refused = assertThrows(
                ImageDecodeException.class, () -> decoder.decode("in/bomb.png", declared16BitRgba(9999, 10000), null));
        assertTrue(
                refused.getMessage()
                        .startsWith("in/bomb.png: the 9999x10000 PNG, 8 bytes per pixel image needs about 3.4 GiB"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("over the image memory budget of 1.0 GiB"), refused.getMessage());
    }

    @Test
    void aFileOverTheCapIsRefusedFromItsListedSizeWithoutReading() throws Exception {
        BudgetedDecoder decoder =
                new BudgetedDecoder(new ImageDecoder(new DecodeLimits(1000, 100, 50)), new ImageMemoryBudget(MIB), 0);
        AtomicBoolean read = new AtomicBoolean();
        ImageDecodeException refused = assertThrows(
                ImageDecodeException.class,
                () -> decoder.decode(
                        "big.png",
                        101,
                        max -> {
                            read.set(true);
                            return new byte[101];
                        },
                        null));
        assertFalse(read.get(), "never read");
        assertEquals(
                "big.png: file is 101 bytes, over the limit of 100 bytes (--max-file-bytes)", refused.getMessage());
    }

    @Test
    void aStreamLongerThanTheCapIsRefusedWhileReading() {
        ImageDecodeException refused = assertThrows(
                ImageDecodeException.class,
                () -> BoundedRead.readAtMost(new ByteArrayInputStream(new byte[300_000]), 200_000, "grown.jpg"));
        assertTrue(refused.getMessage().startsWith("grown.jpg: file has more than 200000 bytes"), refused.getMessage());
    }

    @Test
    void decodedImagesHoldTheirMemoryUntilClosed() throws Exception {
        ImageMemoryBudget budget = new ImageMemoryBudget(64 * MIB);
        BudgetedDecoder decoder = new BudgetedDecoder(new ImageDecoder(), budget, 16);
        byte[] png = photo(200, 100);
        try (DecodedImage image = decoder.decode("a.png", png.length, max -> png, null)) {
            assertEquals(200, image.image().width());
            assertArrayEquals(png, image.encoded());
            long expected = 2L * png.length + 20_000L * (image.header().rasterBytesPerPixel() + 12 + 16);
            assertTrue(
                    budget.capacityBytes() - budget.freeBytes() >= expected,
                    "held " + (budget.capacityBytes() - budget.freeBytes()));
        }
        assertEquals(budget.capacityBytes(), budget.freeBytes(), "all given back");
    }

    @Test
    void anImageThatFitsButIsNotFreeWaitsAfterTheCallerFinishesItsBatch() throws Exception {
        ImageMemoryBudget budget = new ImageMemoryBudget(MIB);
        BudgetedDecoder decoder = new BudgetedDecoder(new ImageDecoder(), budget, 0);
        byte[] png = photo(100, 100); // 100 x 100 x (4 + 12) bytes = 160 KB
        ImageMemoryBudget.Reservation other = budget.open("held elsewhere");
        assertTrue(other.tryGrow(budget.capacityBytes() - 100_000, "filler"));
        AtomicInteger flushed = new AtomicInteger();
        CountDownLatch waiting = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            try (DecodedImage image = decoder.decode("b.png", png, () -> {
                flushed.incrementAndGet();
                waiting.countDown();
            })) {
                assertEquals(100, image.image().height());
            }
        });
        thread.start();
        assertTrue(waiting.await(30, TimeUnit.SECONDS), "the caller was asked to finish its batch before waiting");
        assertTrue(thread.isAlive(), "still waiting for memory held by another image");
        other.close();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(thread.isAlive());
        assertEquals(1, flushed.get());
        assertEquals(budget.capacityBytes(), budget.freeBytes());
    }

    @Test
    void refusalsGiveTheReservationBack() {
        ImageMemoryBudget budget = new ImageMemoryBudget(64 * MIB);
        BudgetedDecoder decoder = new BudgetedDecoder(new ImageDecoder(), budget, 0);
        byte[] png = photo(10, 10);
        byte[] truncated = java.util.Arrays.copyOf(png, png.length - 12);
        assertThrows(
                ImageDecodeException.class, () -> decoder.decode("t.png", truncated.length, max -> truncated, null));
        assertEquals(budget.capacityBytes(), budget.freeBytes());
    }
}
