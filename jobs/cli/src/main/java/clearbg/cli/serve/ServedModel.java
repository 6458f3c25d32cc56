package clearbg.cli.serve;

import clearbg.model.predict.Predictor;

/**
 * One network {@code clearbg serve} serves, chosen by a request's {@code model} field as rembg's server does.
 *
 * @param name what requests call it (the weights file's name without extension unless named)
 * @param predictor its predictor
 * @param description one line for {@code /health} (architecture, engine, precision, input side)
 */
public record ServedModel(String name, Predictor predictor, String description) {}
