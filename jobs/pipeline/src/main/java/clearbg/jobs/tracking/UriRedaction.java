package clearbg.jobs.tracking;

import java.net.URI;
import java.net.URISyntaxException;

/** Removes from a URI what may hold a secret, so that it can be printed, logged or used as a request base. */
final class UriRedaction {

    private UriRedaction() {}

    /**
     * The URI with its user-info, query and fragment removed: scheme, host, port and path only.
     * {@code http://user:token@host:5000/mlflow?key=x} becomes {@code http://host:5000/mlflow}.
     * A URI without a host (such as {@code mailto:x} or {@code databricks://profile}) becomes its scheme
     * followed by a colon.
     */
    static String withoutSecrets(URI uri) {
        if (uri.isOpaque() || uri.getHost() == null) {
            return uri.getScheme() == null ? "" : uri.getScheme() + ":";
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException impossible) {
            throw new IllegalArgumentException("cannot rebuild " + uri.getScheme() + "://" + uri.getHost(), impossible);
        }
    }
}
