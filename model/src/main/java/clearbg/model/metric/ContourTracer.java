package clearbg.model.metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Border following of a binary mask as OpenCV's {@code cv2.findContours(mask, cv2.RETR_TREE,
 * cv2.CHAIN_APPROX_NONE)} (Suzuki and Abe, CVGIP 30(1), 1985), returning the same contours, each with the same
 * points in the same order, in the same list order.
 *
 * <p>Contract, as OpenCV: the mask is framed by one unset pixel, so set pixels on the image's edge are ordinary
 * border pixels. The frame-padded label image starts as 1 for set pixels. A raster scan keeps the previous pixel's
 * label {@code prev}; an outer border starts at pixel {@code x} when {@code prev == 0} and the label is 1; a hole
 * border starts at {@code x - 1} when the label at {@code x} is 0 and {@code prev >= 1}. After a border is traced
 * the scan resumes at {@code x + 1} with {@code prev} read again from the label image. The tracing starts from the
 * west (outer) or east (hole) neighbour, searches clockwise for the first set neighbour, then walks the border
 * searching counter-clockwise (directions E, NE, N, NW, W, SW, S, SE) from the neighbour after the one it came
 * from; every visited pixel is written (CHAIN_APPROX_NONE), a pixel whose east neighbour was examined and found
 * unset gets label {@code -nbd}, an unlabelled one {@code nbd}; the walk ends on returning to the start pixel from
 * the first pixel found. The parent of a new border is the border of the last labelled pixel met on the row (its
 * parent when both are of the same kind, outer or hole), the frame when none. The output is the tree in pre-order,
 * siblings (and top-level contours) in reverse order of discovery, as OpenCV's list is.
 */
final class ContourTracer {

    private static final int[] DX = {1, 1, 0, -1, -1, -1, 0, 1};
    private static final int[] DY = {0, -1, -1, -1, 0, 1, 1, 1};

    private ContourTracer() {}

    /** One contour: pixel coordinates {@code (xs[k], ys[k])} in image space, in OpenCV's order. */
    record Contour(int[] xs, int[] ys, boolean hole) {
        int size() {
            return xs.length;
        }
    }

    private static final class Node {
        final boolean hole;
        final int parent;
        final Contour contour;
        final List<Integer> children = new ArrayList<>();

        Node(boolean hole, int parent, Contour contour) {
            this.hole = hole;
            this.parent = parent;
            this.contour = contour;
        }
    }

    static List<Contour> trace(boolean[] mask, int width, int height) {
        int pw = width + 2;
        int ph = height + 2;
        int[] f = new int[pw * ph];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                f[(y + 1) * pw + x + 1] = mask[y * width + x] ? 1 : 0;
            }
        }
        int[] offsets = new int[8];
        for (int s = 0; s < 8; s++) {
            offsets[s] = DY[s] * pw + DX[s];
        }
        // nodes.get(0) is the frame (a hole border in Suzuki's terms); node k has label k + 1.
        List<Node> nodes = new ArrayList<>();
        nodes.add(new Node(true, -1, null));
        for (int y = 1; y < ph - 1; y++) {
            scanRow(f, pw, offsets, y * pw, nodes);
        }
        List<Contour> out = new ArrayList<>(nodes.size() - 1);
        int[] stack = new int[nodes.size()];
        int top = 0;
        List<Integer> roots = nodes.get(0).children;
        for (int k = 0; k < roots.size(); k++) {
            stack[top++] = roots.get(k);
        }
        while (top > 0) {
            Node node = nodes.get(stack[--top]);
            out.add(node.contour);
            for (int k = 0; k < node.children.size(); k++) {
                stack[top++] = node.children.get(k);
            }
        }
        return out;
    }

    /**
     * One row of Suzuki's raster scan: follows every border that starts on row {@code row} (an index into
     * {@code f}), adding its node. A method of its own so that the JIT compiles this small loop once, not the whole
     * trace again for every long image.
     */
    private static void scanRow(int[] f, int pw, int[] offsets, int row, List<Node> nodes) {
        int prev = 0;
        int lnbd = 0; // index into f of the last labelled pixel on this row, 0 for the frame
        int x = 1;
        while (x < pw - 1) {
            if (prev == 0) {
                // a run of unset pixels changes nothing: skip it (labels are only ever written on set pixels)
                while (x < pw - 1 && f[row + x] == 0) {
                    x++;
                }
                if (x == pw - 1) {
                    break;
                }
            }
            int p = f[row + x];
            if (p != prev) {
                boolean outer = prev == 0 && p == 1;
                boolean hole = !outer && p == 0 && prev >= 1;
                if (outer || hole) {
                    if (hole && prev > 1) {
                        lnbd = row + x - 1;
                    }
                    int parent = 0;
                    if (lnbd > 0) {
                        int last = Math.abs(f[lnbd]) - 1;
                        parent = nodes.get(last).hole == hole ? nodes.get(last).parent : last;
                        if (parent < 0) {
                            parent = 0;
                        }
                    }
                    int startX = hole ? x - 1 : x;
                    lnbd = row + startX;
                    int nbd = nodes.size() + 1;
                    Contour contour = follow(f, pw, offsets, row + startX, hole, nbd);
                    nodes.add(new Node(hole, parent, contour));
                    nodes.get(parent).children.add(nodes.size() - 1);
                    x++;
                    prev = f[row + x - 1];
                    continue;
                }
            }
            prev = p;
            if (p != 0 && p != 1) {
                lnbd = row + x;
            }
            x++;
        }
    }

    /** Follows one border from padded index {@code start}; labels it {@code nbd}; returns its points. */
    private static Contour follow(int[] f, int pw, int[] offsets, int start, boolean hole, int nbd) {
        int[] xs = new int[16];
        int[] ys = new int[16];
        int n = 0;
        int x = start % pw - 1;
        int y = start / pw - 1;
        int sEnd = hole ? 0 : 4;
        int s = sEnd;
        int first;
        do {
            s = (s - 1) & 7;
            first = start + offsets[s];
        } while (f[first] == 0 && s != sEnd);
        if (s == sEnd) {
            f[start] = -nbd;
            return new Contour(new int[] {x}, new int[] {y}, hole);
        }
        int i3 = start;
        while (true) {
            sEnd = s;
            int i4 = i3;
            while (s < 15) {
                s++;
                i4 = i3 + offsets[s & 7];
                if (f[i4] != 0) {
                    break;
                }
            }
            s &= 7;
            if (Integer.compareUnsigned(s - 1, sEnd) < 0) {
                f[i3] = -nbd;
            } else if (f[i3] == 1) {
                f[i3] = nbd;
            }
            if (n == xs.length) {
                xs = Arrays.copyOf(xs, 2 * n);
                ys = Arrays.copyOf(ys, 2 * n);
            }
            xs[n] = x;
            ys[n] = y;
            n++;
            x += DX[s];
            y += DY[s];
            if (i4 == start && i3 == first) {
                break;
            }
            i3 = i4;
            s = (s + 4) & 7;
        }
        return new Contour(Arrays.copyOf(xs, n), Arrays.copyOf(ys, n), hole);
    }
}
