package clearbg.jobs.params;

import java.util.List;

/**
 * A command that takes its settings from sections of a params file ({@code --params params.yaml}): every
 * key of those sections is one of the command's options, {@code snake_case} for {@code --kebab-case}.
 */
public interface ParamsSections {

    /** The sections this command reads, in order; a dotted name ({@code data.ingest}) names a nested section. */
    List<String> paramsSections();
}
