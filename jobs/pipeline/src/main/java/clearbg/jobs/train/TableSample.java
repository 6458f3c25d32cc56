package clearbg.jobs.train;

import java.io.Serializable;

/**
 * One training pair as the image table holds it.
 *
 * @param id the table's row id
 * @param image the encoded photo
 * @param mask the encoded mask
 */
public record TableSample(String id, byte[] image, byte[] mask) implements Serializable {}
