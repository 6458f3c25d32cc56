package clearbg.cli;

import java.nio.file.Path;

/**
 * One image to cut out.
 *
 * @param source the input image
 * @param target the PNG to write
 */
record RemoveTask(Path source, Path target) {}
