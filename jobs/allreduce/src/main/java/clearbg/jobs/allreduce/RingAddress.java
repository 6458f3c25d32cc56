package clearbg.jobs.allreduce;

import java.net.InetSocketAddress;

/**
 * A rank's listening address as the text the ranks exchange: {@code host:port}, with an IPv6 literal in
 * brackets ({@code [::1]:4711}).
 *
 * @param host a host name or IP literal other ranks can reach
 * @param port the listening port
 */
record RingAddress(String host, int port) {

    RingAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Reads {@code host:port} or {@code [ipv6]:port}. */
    static RingAddress parse(String text) {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("not a host:port address: '" + text + "'");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new RingAddress(host, Integer.parseInt(text.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a host:port address: '" + text + "'", e);
        }
    }

    /** The address to connect to (resolved now). */
    InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
