package clearbg.jobs.tracking;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The credentials sent to the tracking server, in the order MLflow's own clients use them: the bearer token
 * in {@code MLFLOW_TRACKING_TOKEN}; else Basic credentials from {@code MLFLOW_TRACKING_USERNAME} and
 * {@code MLFLOW_TRACKING_PASSWORD}; else Basic credentials from the tracking URI's user-info; else none.
 * The secret is only ever put into the Authorization header: {@link #toString()} names the kind, not the value.
 */
final class Credentials {

    static final String TOKEN_VARIABLE = "MLFLOW_TRACKING_TOKEN";
    static final String USERNAME_VARIABLE = "MLFLOW_TRACKING_USERNAME";
    static final String PASSWORD_VARIABLE = "MLFLOW_TRACKING_PASSWORD";

    private final String kind;
    private final String authorization;

    private Credentials(String kind, String authorization) {
        this.kind = kind;
        this.authorization = authorization;
    }

    /** The credentials for {@code trackingUri} from {@code environment} (normally {@link System#getenv()}). */
    static Credentials from(Map<String, String> environment, URI trackingUri) {
        String token = environment.get(TOKEN_VARIABLE);
        if (token != null && !token.isBlank()) {
            return new Credentials("bearer token", "Bearer " + token.trim());
        }
        String user = environment.get(USERNAME_VARIABLE);
        String password = environment.get(PASSWORD_VARIABLE);
        if (user != null && !user.isEmpty() && password != null) {
            return basic("Basic from " + USERNAME_VARIABLE, user, password);
        }
        String userInfo = trackingUri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            String uriUser = colon < 0 ? userInfo : userInfo.substring(0, colon);
            String uriPassword = colon < 0 ? "" : userInfo.substring(colon + 1);
            return basic("Basic from the URI", decode(uriUser), decode(uriPassword));
        }
        return new Credentials("none", null);
    }

    /** The value of the Authorization header, if any credentials were given. */
    Optional<String> authorizationHeader() {
        return Optional.ofNullable(authorization);
    }

    @Override
    public String toString() {
        return "Credentials[" + kind + "]";
    }

    private static Credentials basic(String kind, String user, String password) {
        String pair = user + ":" + password;
        return new Credentials(
                kind, "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    private static String decode(String percentEncoded) {
        return URLDecoder.decode(percentEncoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
