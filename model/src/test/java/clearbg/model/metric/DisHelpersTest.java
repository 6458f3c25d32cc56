package clearbg.model.metric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The building blocks of HCE against their references: skimage skeletons, OpenCV contours and approxPolyDP. */
class DisHelpersTest {

    @Test
    void skeletonsMatchScikitImage() {
        List<String> failures = new ArrayList<>();
        int k = 0;
        for (JsonNode c : DisGoldens.root().get("skeletons")) {
            int w = c.get("width").asInt();
            int h = c.get("height").asInt();
            boolean[] got = Skeleton.of(DisGoldens.mask(c.get("mask").asText()), w, h);
            boolean[] want = DisGoldens.mask(c.get("skeleton").asText());
            if (!java.util.Arrays.equals(want, got)) {
                failures.add("skeleton case " + k + " (" + h + "x" + w + ") differs");
            }
            k++;
        }
        assertTrue(k > 0);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void contoursMatchOpenCv() {
        List<String> failures = new ArrayList<>();
        int k = 0;
        for (JsonNode c : DisGoldens.root().get("contours")) {
            int w = c.get("width").asInt();
            int h = c.get("height").asInt();
            List<ContourTracer.Contour> got =
                    ContourTracer.trace(DisGoldens.mask(c.get("mask").asText()), w, h);
            JsonNode want = c.get("contours");
            if (want.size() != got.size()) {
                failures.add("case " + k + ": " + want.size() + " contours expected, got " + got.size());
            } else {
                for (int j = 0; j < got.size(); j++) {
                    int[] xy = Goldens.doublesAsInts(want.get(j));
                    ContourTracer.Contour contour = got.get(j);
                    int[] gotXy = new int[2 * contour.size()];
                    for (int p = 0; p < contour.size(); p++) {
                        gotXy[2 * p] = contour.xs()[p];
                        gotXy[2 * p + 1] = contour.ys()[p];
                    }
                    if (!java.util.Arrays.equals(xy, gotXy)) {
                        failures.add("case " + k + " contour " + j + " differs");
                    }
                }
            }
            k++;
        }
        assertTrue(k > 0);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void polylineVertexCountsMatchApproxPolyDp() {
        List<String> failures = new ArrayList<>();
        int k = 0;
        for (JsonNode c : DisGoldens.root().get("polylines")) {
            int[] xy = Goldens.doublesAsInts(c.get("points"));
            int n = xy.length / 2;
            int[] xs = new int[n];
            int[] ys = new int[n];
            for (int p = 0; p < n; p++) {
                xs[p] = xy[2 * p];
                ys[p] = xy[2 * p + 1];
            }
            int got = PolylineSimplifier.approxCount(xs, ys, n, HumanCorrectionEffort.EPSILON);
            if (got != c.get("count").asInt()) {
                failures.add("polyline " + k + " (" + n + " points): expected "
                        + c.get("count").asInt() + ", got " + got);
            }
            k++;
        }
        assertTrue(k > 0);
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void crossMorphologyBorders() {
        boolean[] full = {true, true, true, true};
        // cv2.erode: the outside never erodes; skimage on a zero-padded map: everything on the frame erodes
        assertArrayEquals(full, PackedMask.of(full, 2, 2).erodeCross(true).toBooleans());
        assertArrayEquals(
                new boolean[4], PackedMask.of(full, 2, 2).erodeCross(false).toBooleans());
        boolean[] dot = new boolean[9];
        dot[4] = true;
        assertArrayEquals(
                new boolean[] {false, true, false, true, true, true, false, true, false},
                PackedMask.of(dot, 3, 3).dilateCross().toBooleans());
        int[] labels =
                BinaryMask.label8(new boolean[] {true, false, false, false, true, false, true, false, true}, 3, 3);
        assertEquals(1, labels[9], "diagonal neighbours are one 8-connected component");
    }
}
