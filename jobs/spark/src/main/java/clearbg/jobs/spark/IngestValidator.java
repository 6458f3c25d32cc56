package clearbg.jobs.spark;

import clearbg.jobs.files.PairValidation;
import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.FloatImage;
import clearbg.model.image.PngEncoder;
import clearbg.model.image.Rgba;
import clearbg.model.transform.Flip;
import clearbg.model.transform.RescaleT;
import clearbg.model.transform.Sample;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Validates one pair on an executor and turns it into table rows: the pair itself and, for a flipped
 * training split, its horizontal mirror. A pair is rejected with one of the reasons {@code empty file},
 * {@code mask missing}, {@code image missing}, {@code undecodable}, {@code over the pixel limit},
 * {@code mask size differs from image}.
 */
public final class IngestValidator implements Serializable {

    private static final long serialVersionUID = 1L;

    private final HadoopFiles files;
    /**
     * Bytes per source pixel allocated after decoding: a full-size flipped copy of the image and mask as
     * floats (16) and its PNG (about 8): 24.
     */
    static final long WORK_BYTES_PER_PIXEL = 24;

    private final DecodeLimits limits;
    private final int resize;
    private final boolean flipTraining;
    private final IngestTimings timings;

    /**
     * @param resize pre-resize with RescaleT to this size, or 0 to keep the original
     * @param flipTraining add a horizontally flipped copy of every training pair
     * @param timings where the time spent reading, decoding and validating is added up
     */
    public IngestValidator(
            HadoopFiles files, DecodeLimits limits, int resize, boolean flipTraining, IngestTimings timings) {
        this.files = files;
        this.limits = limits;
        this.resize = resize;
        this.flipTraining = flipTraining;
        this.timings = timings;
    }

    /** The rows of {@code pair}: one reject, or the pair (and its flip). */
    public List<IngestRow> rows(IngestPair pair) {
        if (pair.refusal() != null) {
            return List.of(IngestRow.reject(pair, pair.refusal()));
        }
        if (pair.maskUri() == null) {
            return List.of(IngestRow.reject(pair, "mask missing"));
        }
        if (pair.imageUri() == null) {
            return List.of(IngestRow.reject(pair, "image missing"));
        }
        BudgetedDecoder decoder = new BudgetedDecoder(limits, WORK_BYTES_PER_PIXEL);
        long started = System.nanoTime();
        long[] readNanos = {0};
        try (PairValidation.Valid valid = PairValidation.validate(
                decoder,
                pair.imageUri(),
                timedRead(pair.imageUri(), readNanos),
                pair.maskUri(),
                timedRead(pair.maskUri(), readNanos))) {
            long decoded = System.nanoTime();
            timings.addRead(readNanos[0]);
            timings.addDecode(decoded - started - readNanos[0]);
            try {
                return validRows(
                        pair,
                        valid.image().image(),
                        valid.greyMask(),
                        valid.image().encoded(),
                        valid.mask().encoded());
            } finally {
                timings.addValidate(System.nanoTime() - decoded);
            }
        } catch (PairValidation.Rejected e) {
            return List.of(IngestRow.reject(pair, e.getMessage()));
        }
    }

    /** Reads {@code uri} with the cap, adding the time taken to {@code nanos[0]}. */
    private BudgetedDecoder.ByteSource timedRead(String uri, long[] nanos) {
        return maxBytes -> {
            long start = System.nanoTime();
            try {
                return files.read(uri, maxBytes);
            } finally {
                nanos[0] += System.nanoTime() - start;
            }
        };
    }

    private List<IngestRow> validRows(
            IngestPair pair, FloatImage image, FloatImage mask, byte[] imageBytes, byte[] maskBytes) {
        List<IngestRow> rows = new ArrayList<>(2);
        String id = pair.dataset() + "/" + pair.split() + "/" + pair.stem();
        Sample sample = new Sample(image, mask);
        if (resize > 0) {
            sample = new RescaleT(resize).apply(sample);
            rows.add(row(pair, id, sample, png(sample.image()), png(sample.label()), false));
        } else {
            rows.add(row(pair, id, sample, imageBytes, maskBytes, false));
        }
        if (flipTraining && pair.split().endsWith("-TR")) {
            Sample flipped = Flip.horizontal(sample);
            rows.add(row(pair, id + "_flip", flipped, png(flipped.image()), png(flipped.label()), true));
        }
        return rows;
    }

    private static IngestRow row(
            IngestPair pair, String id, Sample sample, byte[] image, byte[] mask, boolean flipped) {
        return new IngestRow(
                id,
                pair.dataset(),
                pair.split(),
                pair.imageRelative(),
                sample.width(),
                sample.height(),
                sample.image().channels(),
                image,
                mask,
                flipped,
                sha256(image, mask),
                null);
    }

    /** 8-bit PNG of a 0..255 image (rounded). */
    private static byte[] png(FloatImage image) {
        float[] data = image.data();
        if (image.channels() == 1) {
            byte[] grey = new byte[data.length];
            for (int i = 0; i < data.length; i++) {
                grey[i] = (byte) Math.min(255, (int) (Math.max(0f, data[i]) + 0.5f));
            }
            return PngEncoder.encodeGrey(grey, image.width(), image.height());
        }
        byte[] opaque = new byte[image.width() * image.height()];
        Arrays.fill(opaque, (byte) 0xff);
        return PngEncoder.encodeOver(image, opaque, Rgba.WHITE);
    }

    static String sha256(byte[] first, byte[] second) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(first);
            digest.update(second);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
