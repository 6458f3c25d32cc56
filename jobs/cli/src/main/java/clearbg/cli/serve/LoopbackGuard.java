package clearbg.cli.serve;

import clearbg.jobs.report.Printable;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps web pages out of a server bound to this machine only. A page open in the user's browser may send
 * requests to {@code http://127.0.0.1:7000/} (a form posts across origins without asking), and a site whose
 * name re-resolves to 127.0.0.1 (DNS rebinding) may even read the answers. So a request to a loopback-bound
 * server must name a loopback host in {@code Host} ({@code localhost}, {@code 127.x.y.z}, {@code [::1]}, with
 * any port), and, when it carries an {@code Origin} (browsers send one on cross-origin and on POST requests), that
 * origin must be such a host too. Tools (curl, rembg's clients, scripts) send no Origin and the loopback Host
 * they connected to, so they are unaffected; the server's own page is same-origin. A server bound to another
 * address is the operator's to protect (a proxy, a firewall) and is not checked.
 */
final class LoopbackGuard {

    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "::1", "[::1]");

    private LoopbackGuard() {}

    /** Whether {@code bindHost} (the {@code --host} value) is a loopback address or name. */
    static boolean guards(String bindHost) {
        return isLoopback(bindHost);
    }

    /**
     * Why a request with these headers is refused, or empty when it may go on.
     *
     * @param host the {@code Host} header (null when absent)
     * @param origin the {@code Origin} header (null when absent)
     */
    static Optional<String> refusal(String host, String origin) {
        if (host == null || !isLoopback(hostName(host))) {
            return Optional.of("Host '" + Printable.of(String.valueOf(host)) + "' is not this server: it listens on"
                    + " this machine only and answers requests addressed to localhost or 127.0.0.1");
        }
        if (origin != null && !origin.equals("null") && !isLoopbackOrigin(origin)) {
            return Optional.of("requests from the web page at '" + Printable.of(origin) + "' are refused: this server"
                    + " listens on this machine only (use its own page, or a tool such as curl)");
        }
        return Optional.empty();
    }

    private static boolean isLoopbackOrigin(String origin) {
        try {
            URI uri = URI.create(origin);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    && uri.getHost() != null
                    && isLoopback(uri.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The name of a {@code Host} header without its port: {@code [::1]:7000} -> {@code [::1]}. */
    private static String hostName(String host) {
        String trimmed = host.trim();
        if (trimmed.startsWith("[")) {
            int end = trimmed.indexOf(']');
            return end < 0 ? trimmed : trimmed.substring(0, end + 1);
        }
        int colon = trimmed.indexOf(':');
        return colon < 0 ? trimmed : trimmed.substring(0, colon);
    }

    private static boolean isLoopback(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return LOOPBACK_NAMES.contains(lower) || lower.matches("127(\\.\\d{1,3}){3}");
    }
}
