package clearbg.jobs.report;

import java.util.Locale;

/** How {@code per_image.csv} is sorted: worst first by MAE (the default) or by HCE (DIS metrics needed). */
public enum PerImageOrder {
    /** Highest mean absolute error first. */
    MAE,
    /** Highest human correction efforts first, ties by the highest MAE. */
    HCE;

    /** {@code mae} or {@code hce}, any case. */
    public static PerImageOrder parse(String value) {
        for (PerImageOrder order : values()) {
            if (order.name().equalsIgnoreCase(value.trim())) {
                return order;
            }
        }
        throw new IllegalArgumentException("unknown per-image order '" + value + "': use mae or hce");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
