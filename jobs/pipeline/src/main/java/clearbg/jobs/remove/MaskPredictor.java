package clearbg.jobs.remove;

import clearbg.model.image.FloatImage;
import clearbg.model.predict.MaskImage;
import clearbg.model.predict.PhaseTimer;
import java.util.List;

/** Masks at each image's own size, in order (a {@code Predictor}, or an executor's shared one). */
@FunctionalInterface
public interface MaskPredictor {

    /** Predicts, adding the resize and forward time to {@code timer}. */
    List<MaskImage> predict(List<FloatImage> images, PhaseTimer timer);
}
