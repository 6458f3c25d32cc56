package clearbg.cli.serve;

import clearbg.jobs.remove.CutoutEncoder;
import clearbg.jobs.remove.RemovalPipeline;
import clearbg.jobs.report.Printable;
import clearbg.model.image.BudgetedDecoder;
import clearbg.model.image.DecodeLimits;
import clearbg.model.image.DecodedImage;
import clearbg.model.image.ImageDecodeException;
import clearbg.model.image.ImageDecoder;
import clearbg.model.image.PngEncoder;
import clearbg.model.matting.AlphaMatting;
import clearbg.model.matting.MattingStoppedException;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.MaskPostProcess;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.BadMessageException;

/**
 * rembg's {@code POST /api/remove}: the multipart field {@code file} in, a PNG out (the cut-out, or the
 * mask with {@code om}, composited on {@code bgc} when given). Statuses: 400 for a missing file, a
 * {@code url} (the server makes no outbound requests) or a malformed field; 413 for a body over the limit;
 * 422 for an image that cannot be decoded or is over the pixel, size or memory limits (or over
 * {@link ServeSettings.MattingLimits#maxPixels()} with {@code a}); 503 with {@code Retry-After} when the
 * workers and the queue are full (checked before the image is decoded); 504 when alpha matting passes its
 * deadline; 408 for an upload slower than the server's minimum rate (and 499, for the log and metrics only,
 * when the client went away). With {@code a}, the cut-out is alpha-matted as rembg does ({@link AlphaMatting})
 * as a task on the worker pool, with matting's memory reserved before it starts, and stopped when the client
 * goes away or the deadline passes; the mask ({@code om}) is not matted, as in rembg.
 */
final class RemoveApi {

    /** How often the request's thread looks at the client and the deadline while matting runs. */
    private static final long POLL_MILLIS = 100;
    /** How long a stopped matting may take to notice (it polls between rows and solver iterations). */
    private static final long STOP_GRACE_MILLIS = 10_000;

    /** The status logged for a request whose client closed the connection before its answer (nginx's 499). */
    static final int CLIENT_CLOSED = 499;

    /** The answer of one request: status, content type and body. */
    record Answer(int status, String contentType, byte[] body) {
        static Answer text(int status, String message) {
            return new Answer(status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private final BudgetedDecoder decoder;
    private final BudgetedDecoder mattingDecoder;
    private final ImageDecoder headers;
    private final long mattingMaxPixels;
    private final MicroBatcher batcher;
    private final List<String> models;
    private final long maxBodyBytes;
    private final ServeSettings.MattingLimits matting;

    /**
     * @param limits the limits of every upload; requests with {@code a} also reserve {@link
     *     AlphaMatting#WORK_BYTES_PER_PIXEL} per pixel in the same budget and are capped at the matting limit
     */
    /** @param models the served networks' names, the default first */
    RemoveApi(DecodeLimits limits, MicroBatcher batcher, List<String> models, ServeSettings settings) {
        this.models = List.copyOf(models);
        this.decoder = new BudgetedDecoder(limits, RemovalPipeline.WORK_BYTES_PER_PIXEL);
        this.mattingDecoder =
                new BudgetedDecoder(limits, RemovalPipeline.WORK_BYTES_PER_PIXEL + AlphaMatting.WORK_BYTES_PER_PIXEL);
        this.matting = settings.matting();
        this.headers = new ImageDecoder(limits);
        this.mattingMaxPixels = Math.min(matting.maxPixels(), AlphaMatting.MAX_PIXELS);
        this.batcher = batcher;
        this.maxBodyBytes = settings.maxBodyBytes();
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
        } catch (Exception e) { // Jetty's IOException comes through Javalin unchecked
            return unreadableBody(e, declared);
        }
        if (file == null) {
            return Answer.text(400, "no multipart field 'file' (the image to remove the background of)");
        }
        String model = fields.model() == null ? models.get(0) : fields.model();
        if (!models.contains(model)) {
            return Answer.text(
                    400, "model: this server has no model '" + Printable.of(model) + "'; it serves " + models);
        }
        try (MicroBatcher.Ticket ticket = batcher.admit()) {
            return remove(ticket, model, file, fields, ClientPresence.of(ctx));
        } catch (MicroBatcher.QueueFullException e) {
            return Answer.text(503, e.getMessage() + "; try again shortly");
        }
    }

    private Answer remove(
            MicroBatcher.Ticket ticket, String model, UploadedFile file, RemoveFields fields, ClientPresence client) {
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
        boolean matted = fields.alphaMatting() != null && !fields.maskOnly();
        DecodedImage image;
        try {
            if (matted) {
                checkMattingCap(name, bytes);
            }
            image = (matted ? mattingDecoder : decoder).decode(name, bytes, () -> {});
        } catch (ImageDecodeException e) {
            return Answer.text(422, e.getMessage());
        }
        try (image) {
            MaskImage mask = batcher.predict(ticket, model, image.image()).get();
            if (fields.postProcess()) {
                mask = MaskPostProcess.apply(mask);
            }
            if (fields.maskOnly()) {
                return png(PngEncoder.encodeGrey(mask.values(), mask.width(), mask.height()));
            }
            if (!matted) {
                return png(CutoutEncoder.encode(image.image(), mask, null, fields.background()));
            }
            return matte(ticket, name, image, mask, fields, client);
        } catch (ExecutionException e) {
            return Answer.text(
                    500, name + ": prediction failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Answer.text(503, "the server is stopping");
        }
    }

    /**
     * Refuses an image over matting's own pixel cap before it is decoded.
     *
     * @throws ImageDecodeException naming the image, its size and the option
     */
    private void checkMattingCap(String name, byte[] bytes) {
        long pixels = headers.inspect(bytes, name).pixels();
        if (pixels > mattingMaxPixels) {
            throw new ImageDecodeException(
                    name,
                    "image of " + pixels + " pixels, over alpha matting's limit of " + mattingMaxPixels
                            + " pixels (--matting-max-pixels; leave out 'a')");
        }
    }

    /**
     * Mattes on a worker, waiting for the result while the client is there and the deadline has not passed;
     * otherwise stops the matting and waits for its worker to let go of the image before the memory is freed.
     */
    private Answer matte(
            MicroBatcher.Ticket ticket,
            String name,
            DecodedImage image,
            MaskImage mask,
            RemoveFields fields,
            ClientPresence client)
            throws InterruptedException {
        AtomicReference<String> stop = new AtomicReference<>();
        MicroBatcher.Running<byte[]> running = batcher.run(
                ticket,
                () -> CutoutEncoder.encode(image.image(), mask, fields.alphaMatting(), fields.background(), stop::get));
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(matting.timeoutMillis());
        while (true) {
            try {
                return png(running.result().get(POLL_MILLIS, TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                boolean gone = client.gone();
                if (gone || System.nanoTime() - deadline >= 0) {
                    String reason = gone
                            ? "the client closed the connection"
                            : "it did not finish within " + matting.timeoutMillis() + " ms (--matting-timeout)";
                    stop.set(reason);
                    running.abandon(new MattingStoppedException(reason), STOP_GRACE_MILLIS);
                    return Answer.text(
                            gone ? CLIENT_CLOSED : 504,
                            name + ": alpha matting stopped: " + reason
                                    + (gone ? "" : "; send a smaller image or leave out 'a'"));
                }
            } catch (ExecutionException e) {
                return Answer.text(
                        e.getCause() instanceof IllegalArgumentException ? 422 : 500,
                        name + ": alpha matting failed: " + e.getCause().getMessage());
            }
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

    /**
     * The answer when Jetty could not read or parse the multipart body: Jetty's own status where it gives one
     * (408 for an upload slower than the server's minimum rate), 413 for a part or a body over the limit (Jetty
     * says "exceeds"), else 400 with what was wrong (no or the wrong boundary, no closing boundary, a body
     * shorter than its Content-Length).
     */
    private Answer unreadableBody(Exception e, long declared) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause && !(cause instanceof BadMessageException)) {
            cause = cause.getCause();
        }
        String reason = String.valueOf(cause.getMessage());
        if (cause instanceof BadMessageException bad && bad.getCode() != 400) {
            return Answer.text(bad.getCode(), "the request body could not be read: " + bad.getReason());
        }
        if (reason.contains("exceeds")) {
            return tooLarge(declared);
        }
        return Answer.text(400, "malformed multipart/form-data body: " + reason);
    }

    private Answer tooLarge(long bytes) {
        return Answer.text(
                413,
                "the request body (" + bytes + " bytes) is over the limit of " + maxBodyBytes + " bytes (--max-body)");
    }
}
