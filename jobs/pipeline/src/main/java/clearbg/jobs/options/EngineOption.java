package clearbg.jobs.options;

import clearbg.model.predict.InferenceEngine;
import picocli.CommandLine;

/** Parses {@code --engine auto|onnxruntime|pytorch} for the jobs and the local command. */
public final class EngineOption implements CommandLine.ITypeConverter<InferenceEngine> {

    /** The option's help text, shared by every command that has it. */
    public static final String DESCRIPTION =
            "auto, onnxruntime or pytorch: the runtime that computes the masks (auto: onnxruntime on CPUs,"
                    + " pytorch where a GPU is visible; default ${DEFAULT-VALUE})";

    @Override
    public InferenceEngine convert(String value) {
        try {
            return InferenceEngine.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
