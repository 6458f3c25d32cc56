package clearbg.jobs.files;

import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodedImage;
import clearbg.model.image.FloatImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.MaskDecoder;
import java.io.IOException;

/**
 * The rule a photo/mask pair must pass to become a training or evaluation sample, the same for IngestJob and
 * {@code clearbg train}: both files read and decoded within the limits and the image memory budget, and the
 * mask as large as the photo. A refused pair gets one of the reasons {@code empty file},
 * {@code over the pixel limit}, {@code over the file size limit}, {@code over the image memory budget},
 * {@code undecodable}, {@code mask size differs from image}.
 */
public final class PairValidation {

    /** A refused pair; {@link #getMessage()} is the reason. */
    public static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason);
        }
    }

    /**
     * A pair that passed: the photo, the mask as grey, and both files' bytes. Closing it gives their memory back.
     */
    public record Valid(DecodedImage image, DecodedImage mask, FloatImage greyMask) implements AutoCloseable {
        @Override
        public void close() {
            image.close();
            mask.close();
        }
    }

    private PairValidation() {}

    /**
     * Reads, decodes and checks a pair.
     *
     * @throws Rejected when the pair is refused, with the reason
     */
    public static Valid validate(
            BudgetedDecoder decoder,
            String imageName,
            BudgetedDecoder.ByteSource image,
            String maskName,
            BudgetedDecoder.ByteSource mask)
            throws Rejected {
        DecodedImage decodedImage = null;
        try {
            decodedImage = decoder.decode(imageName, -1, image, null);
            DecodedImage decodedMask = decoder.decode(maskName, -1, mask, null);
            FloatImage grey = MaskDecoder.toGrey(decodedMask.image());
            if (grey.width() != decodedImage.image().width()
                    || grey.height() != decodedImage.image().height()) {
                decodedMask.close();
                throw new Rejected("mask size differs from image");
            }
            Valid valid = new Valid(decodedImage, decodedMask, grey);
            decodedImage = null;
            return valid;
        } catch (ImageDecodeException e) {
            throw new Rejected(reason(e.getMessage()));
        } catch (IOException e) {
            throw new Rejected("undecodable: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new Rejected("over the image memory budget");
        } finally {
            if (decodedImage != null) {
                decodedImage.close();
            }
        }
    }

    /** The reason category of a decoder refusal. */
    private static String reason(String message) {
        if (message.endsWith(": empty file")) {
            return "empty file";
        }
        if (message.contains("over the limit of") && message.contains("pixels")) {
            return "over the pixel limit";
        }
        if (message.contains("--max-file-bytes")) {
            return "over the file size limit";
        }
        if (message.contains("image memory budget") || message.contains("ran out of memory")) {
            return "over the image memory budget";
        }
        return "undecodable";
    }
}
