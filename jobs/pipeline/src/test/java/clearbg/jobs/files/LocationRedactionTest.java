package clearbg.jobs.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class LocationRedactionTest {

    @Test
    void removesUserInfoQueryAndFragmentKeepsSchemeHostPortAndPath() {
        assertEquals(
                "https://mlflow.example.org:8443/tracking/",
                LocationRedaction.withoutSecrets("https://alice:p%40ss@mlflow.example.org:8443/tracking/?token=abc#f"));
        assertEquals(
                "s3a://photos/in/a.jpg",
                LocationRedaction.withoutSecrets("s3a://AKIA:planted-secret@photos/in/a.jpg?X-Amz-Signature=1"));
        assertEquals("http://[::1]:5000/", LocationRedaction.withoutSecrets("http://u:p@[::1]:5000/"));
        assertEquals("databricks://", LocationRedaction.withoutSecrets("databricks://profile:secret@"));
    }

    @Test
    void leavesLocationsWithoutSecretsAsTheyAre() {
        for (String plain : new String[] {
            "http://127.0.0.1:5000",
            "file:///tmp/a b/c.png",
            "hdfs://nn:8020/data/DUTS-TR",
            "/tmp/x.jpg",
            "rel/x.jpg",
            "s3a://bucket_with_underscore/key"
        }) {
            assertEquals(plain, LocationRedaction.withoutSecrets(plain));
        }
        assertNull(LocationRedaction.withoutSecrets(null));
    }
}
