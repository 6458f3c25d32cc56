package clearbg.cli.serve;

import clearbg.jobs.remove.CutoutEncoder;
import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodedImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.PngEncoder;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.MaskPostProcess;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * rembg's {@code POST /api/remove}: the multipart field {@code file} in, a PNG out (the cut-out, or the
 * mask with {@code om}, composited on {@code bgc} when given). Statuses: 400 for a missing file, a
 * {@code url} (the server makes no outbound requests) or a malformed field; 413 for a body over the limit;
 * 422 for an image that cannot be decoded or is over the pixel, size or memory limits; 503 with
 * {@code Retry-After} when the queue is full. With {@code a}, the cut-out is alpha-matted as rembg does
 * ({@link clearbg.model.matting.AlphaMatting}); the mask ({@code om}) is not, as in rembg.
 */
final class RemoveApi {

    /** The answer of one request: status, content type and body. */
    record Answer(int status, String contentType, byte[] body) {
        static Answer text(int status, String message) {
            return new Answer(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private final BudgetedDecoder decoder;
    private final MicroBatcher batcher;
    private final long maxBodyBytes;

    RemoveApi(BudgetedDecoder decoder, MicroBatcher batcher, long maxBodyBytes) {
        this.decoder = decoder;
        this.batcher = batcher;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Answers a request to {@code /api/remove}. */
    Answer answer(Context ctx) {
        if (ctx.queryParam("url") != null) {
            return noUrls();
        }
        long declared = ctx.contentLength();
        if (declared > maxBodyBytes) {
            return tooLarge(declared);
        }
        if (!ctx.isMultipartFormData()) {
            return Answer.text(400, "send the image as multipart/form-data in the field 'file'");
        }
        RemoveFields fields;
        UploadedFile file;
        try {
            if (ctx.formParam("url") != null) {
                return noUrls();
            }
            fields = RemoveFields.parse(name -> formOrQuery(ctx, name));
            file = ctx.uploadedFile("file");
        } catch (IllegalArgumentException e) {
            return Answer.text(400, e.getMessage());
        } catch (IllegalStateException e) {
            return tooLarge(declared);
        }
        if (file == null) {
            return Answer.text(400, "no multipart field 'file' (the image to remove the background of)");
        }
        return remove(file, fields);
    }

    private Answer remove(UploadedFile file, RemoveFields fields) {
        String name = file.filename() == null || file.filename().isBlank() ? "file" : file.filename();
        byte[] bytes;
        try (InputStream in = file.content()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        } catch (IOException e) {
            return Answer.text(400, name + ": cannot read the upload: " + e.getMessage());
        }
        if (bytes.length > maxBodyBytes) {
            return tooLarge(bytes.length);
        }
        DecodedImage image;
        try {
            image = decoder.decode(name, bytes, () -> {});
        } catch (ImageDecodeException e) {
            return Answer.text(422, e.getMessage());
        }
        try (image) {
            CompletableFuture<MaskImage> pending;
            try {
                pending = batcher.submit(image.image());
            } catch (MicroBatcher.QueueFullException e) {
                return Answer.text(503, e.getMessage() + "; try again shortly");
            }
            MaskImage mask = fields.postProcess() ? MaskPostProcess.apply(pending.get()) : pending.get();
            if (fields.maskOnly()) {
                return png(PngEncoder.encodeGrey(mask.values(), mask.width(), mask.height()));
            }
            return png(CutoutEncoder.encode(image.image(), mask, fields.alphaMatting(), fields.background()));
        } catch (ExecutionException e) {
            return Answer.text(
                    500, name + ": prediction failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.text(503, "the server is stopping");
        }
    }

    /** The form field {@code name}, else the query parameter (rembg reads {@code bgc} from the query). */
    private static String formOrQuery(Context ctx, String name) {
        String form = ctx.formParam(name);
        return form != null ? form : ctx.queryParam(name);
    }

    private static Answer png(byte[] bytes) {
        return new Answer(200, "image/png", bytes);
    }

    private static Answer noUrls() {
        return Answer.text(
                400,
                "url: fetching an image from a URL is not offered (this server makes no outbound requests);"
                        + " POST the image as the multipart field 'file'");
    }

    private Answer tooLarge(long bytes) {
        return Answer.text(
                413,
                "the request body (" + bytes + " bytes) is over the limit of " + maxBodyBytes + " bytes (--max-body)");
    }
}
