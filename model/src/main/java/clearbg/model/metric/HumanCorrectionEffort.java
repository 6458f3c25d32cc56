package clearbg.model.metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Human correction efforts (HCE) of one image, as PySODMetrics 1.6.2's {@code HumanCorrectionEffortMeasure}
 * (relax 5, epsilon 2) computes it; the measure of the DIS paper (Qin et al., "Highly Accurate Dichotomous Image
 * Segmentation", ECCV 2022): an estimate of the mouse clicks a person needs to fix a predicted mask.
 *
 * <p>Contract: ground truth {@code g = gt > 128}, prediction {@code p = pred_norm > 0.5} ({@link PreparedPair}'s
 * min-max normalised map); {@code TP = g & p}, {@code FP = p & !g}, {@code FN = g & !p}; {@code U} = the union
 * eroded 5 times by the 3x3 cross (OpenCV border: nothing outside erodes). Relaxed false positives: {@code FP & U},
 * then 5 times dilated by the cross and cut to {@code !g}, then {@code & FP}; relaxed false negatives likewise with
 * {@code !p}, then joined with the ground truth's skeleton pixels outside TP ({@link Skeleton}). For each of the two
 * relaxed maps: contours ({@link ContourTracer}); the points on a contour where the condition map, dilated by the
 * cross, is set ({@code TP | FN'} for false positives, {@code !(TP | FP' | FN')} for false negatives) and not yet
 * taken by an earlier point form runs (a contour's last run is joined with its first, reversed, when their ends
 * are 8-neighbours); each run costs the vertices {@link PolylineSimplifier} keeps with epsilon 2, and each
 * 8-connected region of the relaxed map with no point in any run costs 1. HCE is the sum of the four counts.
 */
public final class HumanCorrectionEffort {

    /** Erosions and dilations that relax the error regions. */
    public static final int RELAX = 5;

    /** Tolerance of the polygon simplification, in pixels. */
    public static final double EPSILON = 2.0;

    private HumanCorrectionEffort() {}

    /** HCE of a prediction against a ground truth of the same size (8-bit maps, as PySODMetrics' {@code step}). */
    public static int of(GreyImage prediction, GreyImage groundTruth) {
        PreparedPair.requireSameSize(prediction, groundTruth);
        byte[] predPixels = prediction.pixels();
        byte[] gtPixels = groundTruth.pixels();
        double[] values = PreparedPair.levelValues(predPixels);
        boolean[] gt = new boolean[gtPixels.length];
        boolean[] pred = new boolean[predPixels.length];
        for (int i = 0; i < gt.length; i++) {
            gt[i] = (gtPixels[i] & 0xff) > 128;
            pred[i] = values[predPixels[i] & 0xff] > 0.5;
        }
        int w = prediction.width();
        int h = prediction.height();
        return of(gt, PackedMask.of(pred, w, h), w, h);
    }

    static int of(PreparedPair pair) {
        return of(pair.gt, PackedMask.above(pair.pred, 0.5, pair.width, pair.height), pair.width, pair.height);
    }

    /** HCE of {@code gtMask} ({@code gt > 128}) and {@code pred} ({@code pred_norm > 0.5}). */
    private static int of(boolean[] gtMask, PackedMask pred, int w, int h) {
        PackedMask gt = PackedMask.of(gtMask, w, h);
        PackedMask skeleton = PackedMask.of(Skeleton.of(gt), w, h);
        PackedMask tp = gt.and(pred);
        PackedMask fp = pred.andNot(gt);
        PackedMask fn = gt.andNot(pred);
        PackedMask erodedUnion = gt.or(pred);
        for (int k = 0; k < RELAX; k++) {
            erodedUnion = erodedUnion.erodeCross(true);
        }
        PackedMask relaxedFp = relax(fp, erodedUnion, gt);
        PackedMask relaxedFn = relax(fn, erodedUnion, pred).or(skeleton.andNot(tp));

        PackedMask conditionFp = tp.or(relaxedFn);
        PackedMask conditionFn = tp.or(relaxedFp).or(relaxedFn).not();
        return corrections(relaxedFp, conditionFp, w, h) + corrections(relaxedFn, conditionFn, w, h);
    }

    /** Error pixels deep inside the union, grown back {@link #RELAX} times within {@code !blocked} and the error. */
    private static PackedMask relax(PackedMask error, PackedMask erodedUnion, PackedMask blocked) {
        PackedMask relaxed = error.and(erodedUnion);
        for (int k = 0; k < RELAX; k++) {
            relaxed = relaxed.dilateCross().andNot(blocked);
        }
        return error.and(relaxed);
    }

    /** Control points of the boundary runs plus the independent regions of one relaxed error map. */
    private static int corrections(PackedMask relaxed, PackedMask condition, int w, int h) {
        boolean[] mask = relaxed.toBooleans();
        PackedMask dilated = condition.dilateCross();
        int[] labels = BinaryMask.label8(mask, w, h);
        int regions = labels[mask.length];
        boolean[] touched = new boolean[regions + 1];
        boolean[] visited = new boolean[mask.length];
        int points = 0;
        for (ContourTracer.Contour contour : ContourTracer.trace(mask, w, h)) {
            List<Run> runs = new ArrayList<>();
            Run run = null;
            for (int k = 0; k < contour.size(); k++) {
                int x = contour.xs()[k];
                int y = contour.ys()[k];
                int i = y * w + x;
                if (!dilated.get(x, y) || visited[i]) {
                    if (run != null) {
                        runs.add(run);
                        run = null;
                    }
                    continue;
                }
                if (run == null) {
                    run = new Run();
                }
                run.add(x, y);
                visited[i] = true;
                touched[labels[i]] = true;
            }
            if (run != null) {
                runs.add(run);
            }
            if (runs.size() > 1) {
                Run firstRun = runs.get(0);
                Run lastRun = runs.get(runs.size() - 1);
                int dx = Math.abs(firstRun.xs[0] - lastRun.xs[lastRun.n - 1]);
                int dy = Math.abs(firstRun.ys[0] - lastRun.ys[lastRun.n - 1]);
                if (Math.max(dx, dy) == 1) {
                    for (int k = firstRun.n - 1; k >= 0; k--) {
                        lastRun.add(firstRun.xs[k], firstRun.ys[k]);
                    }
                    runs.remove(0);
                }
            }
            for (Run r : runs) {
                points += PolylineSimplifier.approxCount(r.xs, r.ys, r.n, EPSILON);
            }
        }
        int independent = 0;
        for (int label = 1; label <= regions; label++) {
            if (!touched[label]) {
                independent++;
            }
        }
        return points + independent;
    }

    /** A growing list of points. */
    private static final class Run {
        int[] xs;
        int[] ys;
        int n;

        Run() {
            xs = new int[16];
            ys = new int[16];
        }

        void add(int x, int y) {
            if (n == xs.length) {
                xs = Arrays.copyOf(xs, 2 * n);
                ys = Arrays.copyOf(ys, 2 * n);
            }
            xs[n] = x;
            ys[n] = y;
            n++;
        }
    }
}
