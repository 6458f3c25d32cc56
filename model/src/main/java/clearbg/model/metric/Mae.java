package clearbg.model.metric;

/** Mean absolute error of one image: {@code MAE = mean(|p - g|)} over all pixels (Perazzi et al., CVPR 2012). */
final class Mae {

    private Mae() {}

    static double of(PreparedPair pair) {
        double[] err = new double[pair.size()];
        for (int i = 0; i < err.length; i++) {
            err[i] = Math.abs(pair.pred[i] - (pair.gt[i] ? 1.0 : 0.0));
        }
        return PairwiseSum.sum(err) / err.length;
    }
}
