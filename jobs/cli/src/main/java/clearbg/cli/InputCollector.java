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
 * conflict: the first wins, the second is reported. Inputs are never written: an output folder inside an
 * input folder is refused (symbolic links resolved on both sides), an input whose output would be an input
 * file itself ({@code clearbg remove dir/a.png --out dir}) or would land inside an input folder through a
 * symbolic link in the output folder ({@code OUT/a -> IN}) is reported and left out, and a symbolic link in
 * an input folder that points nowhere is reported.
 */
final class InputCollector {

    private final Path outputRoot;
    private final String suffix;
    private final List<RemoveTask> tasks = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Set<Path> targets = new HashSet<>();
    private final Set<Path> sources = new HashSet<>();
    private final List<Path> inputFolders = new ArrayList<>();
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
            if (outputRoot.startsWith(absolute) || real(outputRoot).startsWith(real(absolute))) {
                throw new UsageException("--out " + outputRoot + " is inside the input folder " + absolute
                        + ": choose an output folder outside the inputs, they are never modified");
            }
            inputFolders.add(real(absolute));
            walk(absolute);
        } else {
            addTask(
                    absolute,
                    outputRoot.resolve(FileNames.stem(absolute.getFileName().toString()) + suffix));
        }
    }

    private void walk(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted().forEach(file -> {
                if (Files.isSymbolicLink(file) && !Files.exists(file)) {
                    problems.add(file + ": a symbolic link to a file that does not exist");
                } else if (!Files.isRegularFile(file)) {
                    return; // a folder (walked), or a device, pipe or socket
                } else if (FileNames.isImage(file.getFileName().toString())) {
                    Path relative = folder.relativize(file);
                    String name = FileNames.stem(relative.getFileName().toString()) + suffix;
                    Path parent = relative.getParent();
                    addTask(
                            file,
                            parent == null
                                    ? outputRoot.resolve(name)
                                    : outputRoot.resolve(parent).resolve(name));
                } else {
                    unsupported++;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code path} with symbolic links resolved: its real path, or, for a path that does not exist yet, its
     * nearest existing ancestor's real path with the rest appended.
     */
    private static Path real(Path path) {
        Path missing = path.getFileSystem().getPath("");
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            missing = existing.getFileName().resolve(missing);
            existing = existing.getParent();
        }
        try {
            return existing == null
                    ? path
                    : existing.toRealPath().resolve(missing).normalize();
        } catch (IOException e) {
            return path;
        }
    }

    private void addTask(Path source, Path target) {
        sources.add(real(source));
        if (!targets.add(target)) {
            problems.add(source + ": another input already maps to " + target + " (same name, other extension)");
            return;
        }
        tasks.add(new RemoveTask(source, target));
    }

    /**
     * Called once after the last {@link #add}: leaves out the tasks whose output would be one of the inputs
     * (an input named later may be an earlier input's output), each reported in {@link #problems()}.
     */
    void finish() {
        tasks.removeIf(task -> {
            Path target = real(task.target());
            if (sources.contains(target)) {
                problems.add(task.source() + ": its output " + task.target()
                        + " is an input file, which is never overwritten");
                return true;
            }
            for (Path folder : inputFolders) {
                if (target.startsWith(folder)) {
                    problems.add(task.source() + ": its output " + task.target() + " resolves to " + target
                            + ", inside the input folder " + folder + " (a symbolic link in the output folder);"
                            + " inputs are never modified");
                    return true;
                }
            }
            return false;
        });
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
