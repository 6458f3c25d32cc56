package clearbg.cli;

import clearbg.jobs.files.FileNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns the command line's inputs into tasks. A file maps to {@code OUT/<stem>.png}; a folder is walked
 * recursively and {@code DIR/a/b/c.jpg} maps to {@code OUT/a/b/c.png}, keeping the relative folders.
 * Inside folders only files with an image extension are taken (the others are counted as unsupported);
 * a file named on the command line is always tried. Two inputs that map to the same output are a
 * conflict: the first wins, the second is reported.
 */
final class InputCollector {

    private final Path outputRoot;
    private final String suffix;
    private final List<RemoveTask> tasks = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Set<Path> targets = new HashSet<>();
    private int unsupported;

    /**
     * @param outputRoot the output folder
     * @param suffix appended to the stem of each output, with the extension (for example {@code .png})
     */
    InputCollector(Path outputRoot, String suffix) {
        this.outputRoot = outputRoot.toAbsolutePath().normalize();
        this.suffix = suffix;
    }

    /** Adds one command-line input, a file or a folder. */
    void add(Path input) {
        Path absolute = input.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            problems.add(input + ": no such file or folder");
        } else if (Files.isDirectory(absolute)) {
            if (outputRoot.startsWith(absolute)) {
                throw new UsageException("--out " + outputRoot + " is inside the input folder " + absolute
                        + ": choose an output folder outside the inputs, they are never modified");
            }
            walk(absolute);
        } else {
            addTask(absolute, outputRoot.resolve(FileNames.stem(absolute.getFileName().toString()) + suffix));
        }
    }

    private void walk(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.filter(Files::isRegularFile).sorted().forEach(file -> {
                if (FileNames.isImage(file.getFileName().toString())) {
                    Path relative = folder.relativize(file);
                    String name = FileNames.stem(relative.getFileName().toString()) + suffix;
                    Path parent = relative.getParent();
                    addTask(file, parent == null ? outputRoot.resolve(name) : outputRoot.resolve(parent).resolve(name));
                } else {
                    unsupported++;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private void addTask(Path source, Path target) {
        if (!targets.add(target)) {
            problems.add(source + ": another input already maps to " + target + " (same name, other extension)");
            return;
        }
        tasks.add(new RemoveTask(source, target));
    }

    List<RemoveTask> tasks() {
        return List.copyOf(tasks);
    }

    /** Inputs that could not become tasks, one line each. */
    List<String> problems() {
        return List.copyOf(problems);
    }

    /** Files inside input folders that have no image extension. */
    int unsupported() {
        return unsupported;
    }
}
