package clearbg.jobs.spark;

import clearbg.model.image.DecodeLimits;
import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.image.MaskDecoder;
import clearbg.model.image.PngEncoder;
import clearbg.model.image.Rgba;
import clearbg.model.transform.Flip;
import clearbg.model.transform.RescaleT;
import clearbg.model.transform.Sample;
import java.io.IOException;
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
    private final long maxPixels;
    private final int resize;
    private final boolean flipTraining;
    private final IngestTimings timings;

    /**
     * @param resize pre-resize with RescaleT to this size, or 0 to keep the original
     * @param flipTraining add a horizontally flipped copy of every training pair
     * @param timings where the time spent reading, decoding and validating is added up
     */
    public IngestValidator(HadoopFiles files, long maxPixels, int resize, boolean flipTraining, IngestTimings timings) {
        this.files = files;
        this.maxPixels = maxPixels;
        this.resize = resize;
        this.flipTraining = flipTraining;
        this.timings = timings;
    }

    /** The rows of {@code pair}: one reject, or the pair (and its flip). */
    public List<IngestRow> rows(IngestPair pair) {
        if (pair.maskUri() == null) {
            return List.of(IngestRow.reject(pair, "mask missing"));
        }
        if (pair.imageUri() == null) {
            return List.of(IngestRow.reject(pair, "image missing"));
        }
        try {
            long started = System.nanoTime();
            byte[] imageBytes = files.read(pair.imageUri());
            byte[] maskBytes = files.read(pair.maskUri());
            long read = System.nanoTime();
            timings.addRead(read - started);
            if (imageBytes.length == 0 || maskBytes.length == 0) {
                return List.of(IngestRow.reject(pair, "empty file"));
            }
            ImageDecoder decoder = new ImageDecoder(new DecodeLimits(maxPixels));
            FloatImage image;
            FloatImage mask;
            try {
                image = decoder.decode(imageBytes, pair.imageUri());
                mask = MaskDecoder.toGrey(decoder.decode(maskBytes, pair.maskUri()));
            } catch (ImageDecodeException e) {
                return List.of(IngestRow.reject(pair, e.getMessage().contains("over the limit") ? "over the pixel limit" : "undecodable"));
            } finally {
                timings.addDecode(System.nanoTime() - read);
            }
            long decoded = System.nanoTime();
            try {
                return validRows(pair, image, mask, imageBytes, maskBytes);
            } finally {
                timings.addValidate(System.nanoTime() - decoded);
            }
        } catch (IOException e) {
            return List.of(IngestRow.reject(pair, "undecodable: " + e.getMessage()));
        }
    }

    private List<IngestRow> validRows(IngestPair pair, FloatImage image, FloatImage mask, byte[] imageBytes, byte[] maskBytes) {
        if (image.width() != mask.width() || image.height() != mask.height()) {
            return List.of(IngestRow.reject(pair, "mask size differs from image"));
        }
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

    private static IngestRow row(IngestPair pair, String id, Sample sample, byte[] image, byte[] mask, boolean flipped) {
        return new IngestRow(id, pair.dataset(), pair.split(), pair.imageRelative(), sample.width(), sample.height(),
                sample.image().channels(), image, mask, flipped, sha256(image, mask), null);
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
