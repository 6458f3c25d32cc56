package clearbg.cli;

import picocli.CommandLine;

/** The version from the jar manifest (development builds say so). */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = ClearBg.class.getPackage().getImplementationVersion();
        return new String[] {"clearbg " + (version == null ? "(development build)" : version)};
    }
}
