package clearbg.jobs.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every input key that could map outside the output prefix, or to two places, is refused with its reason. */
class OutputLayoutTest {

    @Test
    void unsafeKeysAreRefusedWithTheirReasonAndSafeOnesPass() {
        Map<String, String> refused = Map.ofEntries(
                Map.entry("", "empty key"),
                Map.entry("/etc/passwd.jpg", "absolute key"),
                Map.entry("in\\x.jpg", "backslash in key"),
                Map.entry("in/%2e%2e/x.jpg", "percent-encoded characters in key"),
                Map.entry("in/x\u0000.jpg", "control character in key"),
                Map.entry("in/cafe\u0301.jpg", "key is not in Unicode NFC form"),
                Map.entry("in/../x.jpg", "'..' path segment in key"),
                Map.entry("in/./x.jpg", "'.' path segment in key"),
                Map.entry("in//x.jpg", "'' path segment in key"),
                Map.entry("in/x.jpg/", "'' path segment in key"));
        refused.forEach((key, reason) -> assertEquals(Optional.of(reason), OutputLayout.refusal(key), key));
        for (String safe : new String[] {"x.jpg", "a/b/c.png", "caf\u00e9/x.jpg", "a..b/x.jpg", ".hidden/x.jpg"}) {
            assertEquals(Optional.empty(), OutputLayout.refusal(safe), safe);
        }
    }
}
