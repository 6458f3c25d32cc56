/**
 * Alpha matting as rembg does it ({@code a}, {@code af}, {@code ab}, {@code ae}): a trimap from the mask
 * ({@link clearbg.model.matting.Trimap}), the closed-form matte of Levin, Lischinski and Weiss (2008) solved
 * as pymatting's {@code estimate_alpha_cf} ({@link clearbg.model.matting.ClosedFormMatting}), and the
 * multi-level foreground colours of Germer et al. (2020) as pymatting's {@code estimate_foreground_ml}
 * ({@link clearbg.model.matting.ForegroundEstimation}).
 */
package clearbg.model.matting;
