package clearbg.jobs.files;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes from a location what may hold a secret, so that it can be printed, logged, written into a report, a
 * manifest, params.json, a checkpoint or an MLflow param: the user-info of an authority ({@code user:password@}),
 * the query ({@code ?token=...}, a presigned signature) and the fragment. Scheme, host, port and path stay, so
 * {@code s3a://key:secret@photos/in/a.jpg?sig=x} becomes {@code s3a://photos/in/a.jpg}. A plain path stays as it is.
 */
public final class LocationRedaction {

    private static final Pattern WITH_SCHEME =
            Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*:)(//([^/?#]*@)?)?([^?#]*)([?#].*)?$", Pattern.DOTALL);

    private LocationRedaction() {}

    /** {@code location} without user-info, query and fragment; null stays null. */
    public static String withoutSecrets(String location) {
        if (location == null) {
            return null;
        }
        Matcher matcher = WITH_SCHEME.matcher(location);
        if (!matcher.matches()) {
            return location;
        }
        String authority = matcher.group(2) == null ? "" : "//";
        return matcher.group(1) + authority + matcher.group(4);
    }
}
