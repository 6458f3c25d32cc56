package clearbg.model.image;

import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;

/**
 * The raster an ImageIO reader will allocate for an image, from the first image type it offers:
 * {@code numDataElements * bytes per data element} of its sample model per pixel (a packed int RGB
 * pixel: 4; a 16-bit RGBA PNG: 4 x 2 = 8; a 1-bit PNG is counted as 1 byte, an over-estimate). When the
 * reader cannot say, 8 bytes per pixel (the widest common layout) and 3 channels.
 */
final class RasterCost {

    private static final int UNKNOWN_BYTES_PER_PIXEL = 8;

    private RasterCost() {}

    static ImageHeader header(ImageReader reader, String format, long width, long height) {
        ImageTypeSpecifier type = firstType(reader);
        if (type == null) {
            return new ImageHeader(format, width, height, UNKNOWN_BYTES_PER_PIXEL, 3);
        }
        SampleModel sampleModel = type.getSampleModel(1, 1);
        int bytesPerElement = Math.max(1, DataBuffer.getDataTypeSize(sampleModel.getDataType()) / 8);
        int bytesPerPixel = Math.max(1, sampleModel.getNumDataElements()) * bytesPerElement;
        ColorModel colorModel = type.getColorModel();
        boolean grey = colorModel != null && colorModel.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        return new ImageHeader(format, width, height, bytesPerPixel, grey ? 1 : 3);
    }

    private static ImageTypeSpecifier firstType(ImageReader reader) {
        try {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            return types != null && types.hasNext() ? types.next() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
