package clearbg.jobs.spark;

import java.io.Serializable;

/**
 * One image to score: a prediction (or, with a model, the input image) and its ground truth.
 *
 * @param dataset the data set it belongs to
 * @param name the pairing key (relative path without extension)
 * @param sourceUri the predicted map, or the photo to predict
 * @param groundTruthUri the ground-truth mask
 */
public record EvalTask(String dataset, String name, String sourceUri, String groundTruthUri) implements Serializable {}
