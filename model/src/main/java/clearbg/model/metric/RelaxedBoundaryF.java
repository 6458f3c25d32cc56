package clearbg.model.metric;

import java.io.Serializable;

/**
 * Relaxed boundary F-measure (relaxFb, rho 3, beta^2 0.3) of one image, the boundary measure of the BASNet
 * (Qin et al., CVPR 2019) and U²-Net (Pattern Recognition 2020) papers. xuebinqin/Binary-Segmentation-Evaluation-Tool
 * lists it as a future measure and never shipped it; this follows the code the papers' author posted in
 * xuebinqin/BASNet issue #20 ({@code compute_align_error}), which is what the reference script runs.
 *
 * <p>Contract: both 8-bit maps are binarised at {@code value > 127} (raw values, no normalisation). A mask's boundary
 * is its set pixels with an unset 4-neighbour, pixels beyond the image counting as unset (skimage {@code erosion}
 * with {@code disk(1)} of the map padded by zeros, XOR the map). With {@code d_B(x)} the Euclidean distance from
 * pixel {@code x} to the nearest pixel of boundary {@code B} (SciPy's {@code distance_transform_edt}; when {@code B}
 * is empty SciPy measures from the point one row above the first pixel, row -1 column 0, and so does this class):
 * {@code precision = |{x in P : d_G(x) <= 3}| / (|P| + 1e-8)}, {@code recall = |{x in G : d_P(x) <= 3}| /
 * (|G| + 1e-8)}, {@code F = 1.3 precision recall / (0.3 precision + recall + 1e-8)}, for predicted boundary
 * {@code P} and ground-truth boundary {@code G}.
 *
 * @param precision relaxed boundary precision
 * @param recall    relaxed boundary recall
 * @param fMeasure  relaxed boundary F-measure
 */
public record RelaxedBoundaryF(double precision, double recall, double fMeasure) implements Serializable {

    /** Slack in pixels: a boundary pixel counts when the other boundary is at most this far away. */
    public static final int RHO = 3;

    /** Binarisation threshold on the raw 8-bit values ({@code value > 127}). */
    public static final int THRESHOLD = 127;

    private static final double BETA_SQUARED = 0.3;
    private static final double EPS = 1e-8;

    /** The relaxed boundary precision, recall and F of a prediction against a ground truth of the same size. */
    public static RelaxedBoundaryF of(GreyImage prediction, GreyImage groundTruth) {
        int w = groundTruth.width();
        int h = groundTruth.height();
        if (prediction.width() != w || prediction.height() != h) {
            throw new IllegalArgumentException("prediction " + prediction.width() + "x" + prediction.height()
                    + " and ground truth " + w + "x" + h + " differ in size; resize the prediction first");
        }
        PackedMask predEdge = boundary(prediction);
        PackedMask gtEdge = boundary(groundTruth);
        int predCount = predEdge.count();
        int gtCount = gtEdge.count();
        double precision = near(predEdge, gtEdge, gtCount == 0) / (predCount + EPS);
        double recall = near(gtEdge, predEdge, predCount == 0) / (gtCount + EPS);
        double f = (1 + BETA_SQUARED) * precision * recall / (BETA_SQUARED * precision + recall + EPS);
        return new RelaxedBoundaryF(precision, recall, f);
    }

    private static PackedMask boundary(GreyImage image) {
        int w = image.width();
        int h = image.height();
        boolean[] mask = new boolean[image.size()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = image.value(i) > THRESHOLD;
        }
        PackedMask packed = PackedMask.of(mask, w, h);
        return packed.andNot(packed.erodeCross(false));
    }

    /** Pixels of {@code from} within {@link #RHO} (Euclidean) of a pixel of {@code to}. */
    private static int near(PackedMask from, PackedMask to, boolean toEmpty) {
        int w = from.width();
        int h = from.height();
        boolean[] target = to.toBooleans();
        int n = 0;
        for (int i : from.setPixels()) {
            int x = i % w;
            int y = i / w;
            if (toEmpty ? (y + 1) * (y + 1) + x * x <= RHO * RHO : within(target, w, h, x, y)) {
                n++;
            }
        }
        return n;
    }

    private static boolean within(boolean[] to, int w, int h, int x, int y) {
        for (int dy = -RHO; dy <= RHO; dy++) {
            int ny = y + dy;
            if (ny < 0 || ny >= h) {
                continue;
            }
            for (int dx = -RHO; dx <= RHO; dx++) {
                int nx = x + dx;
                if (nx >= 0 && nx < w && dx * dx + dy * dy <= RHO * RHO && to[ny * w + nx]) {
                    return true;
                }
            }
        }
        return false;
    }
}
