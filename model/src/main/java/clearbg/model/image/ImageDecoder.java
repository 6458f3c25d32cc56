package clearbg.model.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes encoded images (JPEG including CMYK/YCCK, PNG 1- to 16-bit grey/RGB/palette/with alpha, BMP,
 * and whatever other ImageIO readers are on the class path, e.g. TwelveMonkeys WebP and TIFF) into
 * {@link FloatImage}s of 0..255 floats: 1 channel for grey sources, 3 channels (RGB) otherwise, alpha
 * dropped. The exact conversion rules are those of {@code RasterConverter}.
 *
 * <p>Order of checks, each failing with an {@link ImageDecodeException} naming the source:
 * <ol>
 *   <li>empty input, or more bytes than {@link DecodeLimits#maxFileBytes()};</li>
 *   <li>visible truncation of a JPEG (no EOI after the last scan) or PNG (no IEND chunk), because ImageIO
 *       may otherwise return a partly grey image;</li>
 *   <li>no reader recognises the bytes: "not an image" (text content), or "unsupported format";</li>
 *   <li>{@code width * height} read from the header exceeds {@link DecodeLimits#maxPixels()}: refused
 *       before the raster is decoded;</li>
 *   <li>the reader fails, or warns of a premature end of data, while decoding the raster.</li>
 * </ol>
 * Only the first image of a multi-image file (TIFF, animated WebP) is decoded. Instances are immutable and
 * thread-safe (every call creates its own reader). Bytes are read from memory, never through ImageIO's
 * disk cache.
 */
public final class ImageDecoder {

    static {
        // Plugins in a jar that is not on the system class path (a Spark executor's user class loader)
        // are found only by an explicit scan.
        ImageIO.scanForPlugins();
    }

    private final DecodeLimits limits;

    /** A decoder with {@link DecodeLimits#defaults()}. */
    public ImageDecoder() {
        this(DecodeLimits.defaults());
    }

    public ImageDecoder(DecodeLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    public DecodeLimits limits() {
        return limits;
    }

    /** Reads and decodes a file; the source name in errors is the path. */
    public FloatImage decode(Path path) {
        return decode(readFile(path, limits.maxFileBytes()), path.toString());
    }

    /**
     * The whole content of a local file of at most {@code maxBytes}, refused from its size before it is
     * read (and again if it grows while being read).
     *
     * @throws ImageDecodeException naming the path when it cannot be read or is too large
     */
    public static byte[] readFile(Path path, long maxBytes) {
        try {
            long size = Files.size(path);
            if (size > maxBytes) {
                throw tooLarge(path.toString(), size, maxBytes);
            }
            try (InputStream in = Files.newInputStream(path)) {
                return BoundedRead.readAtMost(in, maxBytes, path.toString());
            }
        } catch (IOException e) {
            throw new ImageDecodeException(path.toString(), "cannot read file (" + e + ")", e);
        }
    }

    /** The refusal of an encoded file or object of {@code size} bytes over {@code maxBytes}. */
    public static ImageDecodeException tooLarge(String source, long size, long maxBytes) {
        return new ImageDecodeException(
                source, "file is " + size + " bytes, over the limit of " + maxBytes + " bytes (--max-file-bytes)");
    }

    /**
     * Reads the header of {@code bytes} without decoding pixels: size, format and the raster the reader
     * will allocate. Applies checks 1 to 4 of the class description.
     *
     * @throws ImageDecodeException when the bytes are refused
     */
    public ImageHeader inspect(byte[] bytes, String sourceName) {
        // 8-bit grey PNGs (most masks): the header from the chunk list, without starting an ImageIO reader
        ImageHeader grey = bytes != null
                        && bytes.length > 0
                        && bytes.length <= limits.maxFileBytes()
                        && ByteSignatures.truncation(bytes).isEmpty()
                ? GreyPng.header(bytes)
                : null;
        if (grey != null) {
            checkPixels(grey.width(), grey.height(), sourceName);
            return grey;
        }
        return withReader(bytes, sourceName, (reader, source) -> header(reader, source));
    }

    /**
     * Decodes {@code bytes}; {@code sourceName} (file name, URI) only labels error messages.
     *
     * @throws ImageDecodeException for every failure, see the class description; also when the JVM runs out
     *     of memory while decoding (the partly decoded image is dropped, so the caller can go on)
     */
    public FloatImage decode(byte[] bytes, String sourceName) {
        try {
            // 8-bit grey PNGs (most masks) decode without ImageIO, to the same values; the rest go through ImageIO
            FloatImage grey = bytes != null && bytes.length <= limits.maxFileBytes()
                    ? GreyPng.decode(bytes, limits.maxPixels())
                    : null;
            return grey != null ? grey : RasterConverter.toFloat(withReader(bytes, sourceName, this::readFirstImage));
        } catch (OutOfMemoryError e) {
            throw new ImageDecodeException(sourceName, "ran out of memory while decoding (" + e.getMessage() + ")");
        }
    }

    /** What is done with an open reader. */
    @FunctionalInterface
    private interface ReaderStep<T> {
        T apply(ImageReader reader, String source) throws IOException;
    }

    private <T> T withReader(byte[] bytes, String source, ReaderStep<T> step) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw new ImageDecodeException(source, "empty file");
        }
        if (bytes.length > limits.maxFileBytes()) {
            throw tooLarge(source, bytes.length, limits.maxFileBytes());
        }
        Optional<String> truncated = ByteSignatures.truncation(bytes);
        if (truncated.isPresent()) {
            throw new ImageDecodeException(source, truncated.get());
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException(source, ByteSignatures.unrecognised(bytes));
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return step.apply(reader, source);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ImageDecodeException ide) {
                throw ide;
            }
            throw new ImageDecodeException(source, "corrupt or truncated image data (" + e + ")", e);
        }
    }

    private ImageHeader header(ImageReader reader, String source) throws IOException {
        String format = reader.getFormatName().toUpperCase(Locale.ROOT);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        checkPixels(width, height, source);
        return RasterCost.header(reader, format, width, height);
    }

    /** Check 4 of the class description: {@code width * height} within {@link DecodeLimits#maxPixels()}. */
    private void checkPixels(long width, long height, String source) {
        long pixels = width * height;
        if (pixels > limits.maxPixels()) {
            throw new ImageDecodeException(
                    source,
                    String.format(
                            Locale.ROOT,
                            "image is %dx%d = %d pixels, over the limit of %d pixels",
                            width,
                            height,
                            pixels,
                            limits.maxPixels()));
        }
    }

    private BufferedImage readFirstImage(ImageReader reader, String source) throws IOException {
        ImageHeader header = header(reader, source);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
        BufferedImage image = reader.read(0);
        for (String warning : warnings) {
            if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
                throw new ImageDecodeException(source, "truncated " + header.format() + " (" + warning + ")");
            }
        }
        return image;
    }
}
