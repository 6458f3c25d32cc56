package clearbg.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Where the checkout the tests run in keeps its scripts, notebooks and the Python tools scripts/setup installs. */
final class ProjectFolders {

    private ProjectFolders() {}

    /** The repository root: the folder holding scripts/setup, searched upwards from the working directory. */
    static Path root() {
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/setup"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root (a folder with scripts/setup) above "
                + Paths.get("").toAbsolutePath());
    }

    /**
     * The command {@code name} of the project's Python environment, {@code .venv/bin/<name>}.
     *
     * @throws IllegalStateException when it is missing: scripts/setup installs scripts/requirements.txt there
     */
    static Path venvTool(String name) {
        Path tool = root().resolve(".venv/bin").resolve(name);
        if (!Files.isExecutable(tool)) {
            throw new IllegalStateException(
                    tool + " is missing: run scripts/setup (it installs scripts/requirements.txt into .venv)");
        }
        return tool;
    }
}
