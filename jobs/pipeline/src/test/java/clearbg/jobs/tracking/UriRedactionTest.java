package clearbg.jobs.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class UriRedactionTest {

    @Test
    void removesUserInfoQueryAndFragmentKeepsHostPortAndPath() {
        URI uri = URI.create("https://alice:p%40ss@mlflow.example.org:8443/tracking/?token=abc#frag");
        assertEquals("https://mlflow.example.org:8443/tracking/", UriRedaction.withoutSecrets(uri));
    }

    @Test
    void leavesAUriWithoutSecretsAsItIs() {
        assertEquals("http://127.0.0.1:5000", UriRedaction.withoutSecrets(URI.create("http://127.0.0.1:5000")));
        assertEquals("http://[::1]:5000/", UriRedaction.withoutSecrets(URI.create("http://u:p@[::1]:5000/")));
    }

    @Test
    void reducesAUriWithoutHostToItsScheme() {
        assertEquals("databricks:", UriRedaction.withoutSecrets(URI.create("databricks://profile:secret@")));
        assertEquals("mailto:", UriRedaction.withoutSecrets(URI.create("mailto:someone@example.org")));
    }
}
