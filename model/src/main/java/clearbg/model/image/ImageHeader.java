package clearbg.model.image;

/**
 * What an image's header declares, read before any pixel data is decoded.
 *
 * @param format the reader's format name, upper case ("PNG", "JPEG")
 * @param width columns
 * @param height rows
 * @param rasterBytesPerPixel bytes per pixel of the raster the reader will allocate (a 16-bit RGBA PNG: 8)
 * @param channels channels of the decoded {@link FloatImage}: 1 for grey sources, else 3
 */
public record ImageHeader(String format, long width, long height, int rasterBytesPerPixel, int channels) {

    /** {@code width * height}. */
    public long pixels() {
        return width * height;
    }

    /**
     * The memory decoding takes at its peak, when the reader's raster and the float image both exist:
     * {@code pixels * (rasterBytesPerPixel + 4 * channels)}.
     */
    public long decodeBytes() {
        return pixels() * (rasterBytesPerPixel + 4L * channels);
    }

    /** "9999x10000 PNG, 8 bytes per pixel" for messages. */
    public String describe() {
        return width + "x" + height + " " + format + ", " + rasterBytesPerPixel + " bytes per pixel";
    }
}
