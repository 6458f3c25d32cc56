package clearbg.model.metric;

/**
 * The number of vertices that OpenCV's {@code cv2.approxPolyDP(curve, epsilon, closed=False)} keeps for an open
 * polyline of integer points (Ramer-Douglas-Peucker, Ramer 1972 / Douglas and Peucker 1973, in OpenCV's iterative
 * form).
 *
 * <p>Contract, as OpenCV 4.14 (measured against it): a polyline of one point (first equal to last) keeps 1.
 * Otherwise the slice from the first to the last point is split with an explicit stack (left part first) at the
 * point of largest distance from the segment {@code a -> b} (the distance to the nearer end where the point projects
 * outside the segment; the first such point on ties) while that distance exceeds epsilon; each accepted slice
 * writes its start point, and the last point is written at the end. A clean-up pass then drops a middle point
 * {@code p} between kept neighbours {@code a} and {@code b} when, with {@code (dx, dy) = b - a} and
 * {@code dist = |(p.x - a.x) dy - (p.y - a.y) dx|}: {@code dist^2 <= eps^2 (dx^2 + dy^2) / 2}, {@code dx != 0},
 * {@code dy != 0} and {@code (p - a) . (b - p) >= 0}, skipping over the point after a dropped one.
 */
final class PolylineSimplifier {

    private PolylineSimplifier() {}

    static int approxCount(int[] xs, int[] ys, int count, double epsilon) {
        if (count == 0) {
            return 0;
        }
        double eps = epsilon * epsilon;
        int[] keptX = new int[count + 1];
        int[] keptY = new int[count + 1];
        int kept = 0;
        if (xs[0] == xs[count - 1] && ys[0] == ys[count - 1]) {
            // OpenCV treats such a curve as closed; with distinct points this is only the single point.
            if (count != 1) {
                throw new IllegalArgumentException("open polyline returns to its start");
            }
            return 1;
        }
        int[] stackStart = new int[count + 1];
        int[] stackEnd = new int[count + 1];
        int top = 0;
        stackStart[top] = 0;
        stackEnd[top] = count - 1;
        top++;
        while (top > 0) {
            top--;
            int start = stackStart[top];
            int end = stackEnd[top];
            boolean within;
            int split = -1;
            if (start + 1 != end) {
                double maxDist = 0;
                for (int k = start + 1; k < end; k++) {
                    double dist = segmentDistanceSquared(xs[k], ys[k], xs[start], ys[start], xs[end], ys[end]);
                    if (dist > maxDist) {
                        maxDist = dist;
                        split = k;
                    }
                }
                within = maxDist <= eps;
            } else {
                within = true;
            }
            if (within) {
                keptX[kept] = xs[start];
                keptY[kept] = ys[start];
                kept++;
            } else {
                stackStart[top] = split;
                stackEnd[top] = end;
                top++;
                stackStart[top] = start;
                stackEnd[top] = split;
                top++;
            }
        }
        keptX[kept] = xs[count - 1];
        keptY[kept] = ys[count - 1];
        kept++;
        return cleanUp(keptX, keptY, kept, eps);
    }

    /**
     * Squared distance from {@code p} to the segment {@code a -> b}: to the nearer end where the projection falls
     * outside the segment, else {@code cross^2 / |b - a|^2}.
     */
    private static double segmentDistanceSquared(int px, int py, int ax, int ay, int bx, int by) {
        long dx = bx - ax;
        long dy = by - ay;
        long length = dx * dx + dy * dy;
        long dot = (px - ax) * dx + (py - ay) * dy;
        if (dot <= 0) {
            return (double) (px - ax) * (px - ax) + (double) (py - ay) * (py - ay);
        }
        if (dot >= length) {
            return (double) (px - bx) * (px - bx) + (double) (py - by) * (py - by);
        }
        double cross = (py - ay) * dx - (px - ax) * dy;
        return cross * cross / length;
    }

    /** OpenCV's final pass over the kept points of an open curve; returns how many remain. */
    private static int cleanUp(int[] px, int[] py, int count, double eps) {
        int remaining = count;
        int pos = 0;
        int startX = px[pos];
        int startY = py[pos];
        pos = next(pos, count);
        int wpos = pos;
        int ptX = px[pos];
        int ptY = py[pos];
        pos = next(pos, count);
        for (int i = 1; i < count - 1 && remaining > 2; i++) {
            int endX = px[pos];
            int endY = py[pos];
            pos = next(pos, count);
            double dx = endX - startX;
            double dy = endY - startY;
            double dist = Math.abs((ptX - startX) * dy - (ptY - startY) * dx);
            double inner = (double) (ptX - startX) * (endX - ptX) + (double) (ptY - startY) * (endY - ptY);
            if (dist * dist <= 0.5 * eps * (dx * dx + dy * dy) && dx != 0 && dy != 0 && inner >= 0) {
                remaining--;
                px[wpos] = endX;
                py[wpos] = endY;
                startX = endX;
                startY = endY;
                wpos = next(wpos, count);
                ptX = px[pos];
                ptY = py[pos];
                pos = next(pos, count);
                i++;
                continue;
            }
            px[wpos] = ptX;
            py[wpos] = ptY;
            startX = ptX;
            startY = ptY;
            wpos = next(wpos, count);
            ptX = endX;
            ptY = endY;
        }
        return remaining;
    }

    private static int next(int pos, int count) {
        return pos + 1 >= count ? 0 : pos + 1;
    }
}
