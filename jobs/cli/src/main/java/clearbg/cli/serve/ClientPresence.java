package clearbg.cli.serve;

import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;

/**
 * Tells whether the client of a request still waits for the answer, while the request's body has been read
 * and its work runs (Jetty reads nothing from the connection then, so a client that closes it goes unnoticed
 * until the answer is written). {@link #gone()} reads the connection without blocking: end of stream (or an
 * error) means the client went away. Should it read a byte instead (a client pipelining its next request,
 * which browsers and rembg's clients do not do), that byte is lost to Jetty, so the answer then carries
 * {@code Connection: close} and the client sends that request again on a new connection, as HTTP/1.1 lets a
 * server demand. Where the connection is not a plain socket, the client is taken to be present.
 */
final class ClientPresence {

    private final Context ctx;
    private final EndPoint endPoint;
    private boolean readAhead;

    private ClientPresence(Context ctx, EndPoint endPoint) {
        this.ctx = ctx;
        this.endPoint = endPoint;
    }

    /** The presence of the client of {@code ctx}. */
    static ClientPresence of(Context ctx) {
        Request base = Request.getBaseRequest(ctx.req());
        return new ClientPresence(
                ctx,
                base == null || base.getHttpChannel() == null
                        ? null
                        : base.getHttpChannel().getEndPoint());
    }

    /** Whether the client has closed the connection (or it broke). Called by the request's thread only. */
    boolean gone() {
        if (endPoint == null || readAhead) {
            return false;
        }
        if (!endPoint.isOpen()) {
            return true;
        }
        if (!(endPoint.getTransport() instanceof SocketChannel channel) || channel.isBlocking()) {
            return false;
        }
        try {
            int read = channel.read(ByteBuffer.allocate(1));
            if (read > 0) {
                readAhead = true;
                ctx.header("Connection", "close");
            }
            return read < 0;
        } catch (IOException e) {
            return true;
        }
    }
}
