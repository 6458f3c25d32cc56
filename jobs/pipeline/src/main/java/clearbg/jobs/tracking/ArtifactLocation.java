package clearbg.jobs.tracking;

import clearbg.jobs.files.LocationRedaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * Where the tracking server takes a run's artifact by HTTP PUT. A server started with
 * {@code --serve-artifacts} gives runs an artifact URI {@code mlflow-artifacts:/<experiment>/<run>/artifacts};
 * a file goes to {@code /api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<dir>/<name>} on
 * the tracking server. Other artifact stores (s3://, file://) cannot be written through the server.
 */
final class ArtifactLocation {

    static final String UPLOAD_API = "/api/2.0/mlflow-artifacts/artifacts";
    private static final String SCHEME = "mlflow-artifacts";

    private ArtifactLocation() {}

    /**
     * The request path (percent-encoded, below the tracking URI) that stores {@code fileName} in
     * {@code artifactDir} of the run whose artifact root is {@code artifactUri}.
     *
     * @param artifactUri the run's {@code artifact_uri} as the server reported it
     * @param artifactDir a relative folder inside the run's artifacts ({@code a/b}), or null or empty for the root
     * @param fileName the artifact's file name
     * @throws TrackingCallException when the artifact store is not served by the tracking server, or
     *     {@code artifactDir} or {@code fileName} could leave the run's artifact folder
     */
    static String uploadPath(String artifactUri, String artifactDir, String fileName) throws TrackingCallException {
        StringBuilder path = new StringBuilder(UPLOAD_API).append(servedRoot(artifactUri));
        if (artifactDir != null && !artifactDir.isEmpty()) {
            for (String segment : artifactDir.split("/", -1)) {
                path.append('/').append(checkedSegment(segment, "artifact folder '" + artifactDir + "'"));
            }
        }
        return path.append('/')
                .append(checkedSegment(fileName, "artifact file name '" + fileName + "'"))
                .toString();
    }

    private static String servedRoot(String artifactUri) throws TrackingCallException {
        URI root;
        try {
            root = new URI(artifactUri);
        } catch (URISyntaxException e) {
            throw new TrackingCallException("the run's artifact URI is not a URI (" + e.getReason() + ")");
        }
        if (!SCHEME.equalsIgnoreCase(root.getScheme())
                || root.getRawPath() == null
                || root.getRawPath().isEmpty()) {
            throw new TrackingCallException(
                    "the run's artifacts are stored at " + LocationRedaction.withoutSecrets(root.toString())
                            + ", which the tracking server does not serve (start it with --serve-artifacts)");
        }
        String rawPath = root.getRawPath();
        String trimmed = rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        return trimmed.startsWith("/") ? trimmed : "/" + trimmed;
    }

    private static String checkedSegment(String segment, String what) throws TrackingCallException {
        if (segment.isEmpty()
                || segment.equals(".")
                || segment.equals("..")
                || segment.indexOf('\\') >= 0
                || segment.chars().anyMatch(Character::isISOControl)) {
            throw new TrackingCallException("the " + what + " must be relative, without empty, '.' or '..' parts,"
                    + " backslashes or control characters");
        }
        return percentEncoded(segment);
    }

    /** The UTF-8 bytes of a path segment, with everything but RFC 3986's unreserved characters as %XX. */
    private static String percentEncoded(String segment) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "-._~".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return encoded.toString();
    }
}
