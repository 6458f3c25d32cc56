package clearbg.jobs.remove;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import clearbg.jobs.files.OutputLayout;
import clearbg.jobs.files.Sha256;
import clearbg.model.image.Rgba;
import clearbg.model.matting.AlphaMatting;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The settings fingerprint: the documented canonical text, and every pixel setting changes it. */
class PixelSettingsTest {

    private static final PixelSettings BASE =
            new PixelSettings("auto", 0, "auto", "fp32", OutputLayout.Format.CUTOUT, false, null, null);

    @Test
    void theFingerprintHashesTheCanonicalText() {
        assertEquals(
                "v1;arch=auto;size=default;engine=auto;precision=fp32;format=cutout;post_process=false;"
                        + "alpha_matting=off;bgcolor=none",
                BASE.canonical());
        assertEquals(Sha256.ofText(BASE.canonical()), BASE.fingerprint());
        assertEquals(
                BASE.fingerprint(),
                new PixelSettings("auto", 0, "auto", "fp32", OutputLayout.Format.CUTOUT, false, null, null)
                        .fingerprint());
    }

    @Test
    void everyPixelSettingChangesIt() {
        List<PixelSettings> variants = List.of(
                BASE,
                new PixelSettings("u2netp", 0, "auto", "fp32", OutputLayout.Format.CUTOUT, false, null, null),
                new PixelSettings("auto", 288, "auto", "fp32", OutputLayout.Format.CUTOUT, false, null, null),
                new PixelSettings("auto", 0, "onnxruntime", "fp32", OutputLayout.Format.CUTOUT, false, null, null),
                new PixelSettings("auto", 0, "auto", "bf16", OutputLayout.Format.CUTOUT, false, null, null),
                new PixelSettings("auto", 0, "auto", "fp32", OutputLayout.Format.BOTH, false, null, null),
                new PixelSettings("auto", 0, "auto", "fp32", OutputLayout.Format.CUTOUT, true, null, null),
                new PixelSettings(
                        "auto",
                        0,
                        "auto",
                        "fp32",
                        OutputLayout.Format.CUTOUT,
                        false,
                        AlphaMatting.REMBG_DEFAULTS,
                        null),
                new PixelSettings(
                        "auto",
                        0,
                        "auto",
                        "fp32",
                        OutputLayout.Format.CUTOUT,
                        false,
                        new AlphaMatting(240, 10, 11),
                        null),
                new PixelSettings("auto", 0, "auto", "fp32", OutputLayout.Format.CUTOUT, false, null, Rgba.WHITE));
        Set<String> fingerprints = new HashSet<>();
        variants.forEach(v -> fingerprints.add(v.fingerprint()));
        assertEquals(variants.size(), fingerprints.size());
        assertNotEquals(BASE.fingerprint(), variants.get(9).fingerprint());
    }
}
