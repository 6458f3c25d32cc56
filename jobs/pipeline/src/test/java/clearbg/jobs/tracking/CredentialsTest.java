package clearbg.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    private static final URI PLAIN = URI.create("http://127.0.0.1:5000");

    @Test
    void tokenComesFirstAsBearer() {
        Credentials credentials = Credentials.from(
                Map.of(
                        "MLFLOW_TRACKING_TOKEN",
                        "tok-123",
                        "MLFLOW_TRACKING_USERNAME",
                        "bob",
                        "MLFLOW_TRACKING_PASSWORD",
                        "pw"),
                URI.create("http://u:p@host"));
        assertEquals(Optional.of("Bearer tok-123"), credentials.authorizationHeader());
        assertFalse(credentials.toString().contains("tok-123"), credentials.toString());
    }

    @Test
    void usernameAndPasswordGoAsBasic() {
        Credentials credentials = Credentials.from(
                Map.of("MLFLOW_TRACKING_USERNAME", "bob", "MLFLOW_TRACKING_PASSWORD", "s3cr:t"), PLAIN);
        assertEquals(Optional.of("Basic " + base64("bob:s3cr:t")), credentials.authorizationHeader());
        assertFalse(credentials.toString().contains("s3cr"), credentials.toString());
    }

    @Test
    void userInfoOfTheUriIsDecodedIntoBasic() {
        Credentials credentials = Credentials.from(Map.of(), URI.create("http://alice:p%40ss+word@host:5000"));
        assertEquals(Optional.of("Basic " + base64("alice:p@ss+word")), credentials.authorizationHeader());
    }

    @Test
    void noCredentialsNoHeader() {
        assertTrue(Credentials.from(Map.of("MLFLOW_TRACKING_TOKEN", " "), PLAIN)
                .authorizationHeader()
                .isEmpty());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
