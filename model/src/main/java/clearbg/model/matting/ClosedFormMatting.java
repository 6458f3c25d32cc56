package clearbg.model.matting;

import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.ConjugateGradient;
import org.apache.commons.math3.linear.JacobiPreconditioner;
import org.apache.commons.math3.linear.RealLinearOperator;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.util.IterationEvent;
import org.apache.commons.math3.util.IterationListener;

/**
 * The closed-form alpha matte, as pymatting's {@code estimate_alpha_cf(image, trimap)}: solve
 * {@code (L + lambda C) alpha = lambda f} with the matting Laplacian {@code L} ({@link MattingLaplacian},
 * epsilon 1e-7), {@code lambda = 100}, {@code C} the diagonal of the known pixels (trimap 0 or 255) and
 * {@code f} 1 on the foreground, by conjugate gradients to a residual of {@code 1e-7 ||lambda f||} (at most
 * 10,000 iterations), then clip to 0..1. pymatting preconditions with an incomplete Cholesky factor; here the
 * preconditioner is the diagonal (Jacobi), so the iterations differ and the results agree to the solver's
 * tolerance, not bit for bit. The solver is Apache Commons Math's {@link ConjugateGradient} (a well-kept
 * library; the matrix is applied matrix-free from its 25 values per row).
 */
public final class ClosedFormMatting {

    private static final double EPSILON = 1e-7;
    private static final double LAMBDA = 100;
    private static final double RELATIVE_TOLERANCE = 1e-7;
    private static final int MAX_ITERATIONS = 10_000;

    private ClosedFormMatting() {}

    /**
     * The alpha matte of {@code rgb} (HWC, 0..1) for {@code trimap} (0, 128 or 255 per pixel), row by row,
     * polling {@code stop} once per row of the Laplacian and once per solver iteration.
     *
     * @throws MattingStoppedException when {@code stop} gave a reason first
     */
    public static double[] alpha(double[] rgb, byte[] trimap, int width, int height, MattingStop stop) {
        MattingLaplacian laplacian = MattingLaplacian.of(rgb, width, height, EPSILON, stop);
        int n = width * height;
        double[] known = new double[n];
        double[] b = new double[n];
        double[] diagonal = new double[n];
        for (int i = 0; i < n; i++) {
            int t = trimap[i] & 0xff;
            boolean foreground = t >= 0.9 * 255;
            boolean background = t <= 0.1 * 255;
            known[i] = foreground || background ? LAMBDA : 0;
            b[i] = foreground ? LAMBDA : 0;
            diagonal[i] = laplacian.diagonal(i) + known[i];
        }
        RealLinearOperator a = new RealLinearOperator() {
            @Override
            public int getRowDimension() {
                return n;
            }

            @Override
            public int getColumnDimension() {
                return n;
            }

            @Override
            public RealVector operate(RealVector x) {
                double[] out = new double[n];
                laplacian.multiply(x.toArray(), known, out);
                return new ArrayRealVector(out, false);
            }
        };
        RealVector rhs = new ArrayRealVector(b, false);
        if (rhs.getNorm() == 0) {
            return new double[n];
        }
        ConjugateGradient solver = new ConjugateGradient(MAX_ITERATIONS, RELATIVE_TOLERANCE, false);
        solver.getIterationManager().addIterationListener(new StopListener(stop));
        RealVector x = solver.solve(a, new JacobiPreconditioner(diagonal, false), rhs);
        double[] alpha = x.toArray();
        for (int i = 0; i < n; i++) {
            alpha[i] = Math.max(0, Math.min(1, alpha[i]));
        }
        return alpha;
    }

    /** Polls the stop after each iteration of the solver (its exception ends {@code solve}). */
    private record StopListener(MattingStop stop) implements IterationListener {
        @Override
        public void initializationPerformed(IterationEvent e) {
            stop.check();
        }

        @Override
        public void iterationStarted(IterationEvent e) {
            // polled once per iteration, when it is done
        }

        @Override
        public void iterationPerformed(IterationEvent e) {
            stop.check();
        }

        @Override
        public void terminationPerformed(IterationEvent e) {
            // the solver ended on its own
        }
    }
}
