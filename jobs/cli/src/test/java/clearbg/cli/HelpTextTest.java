package clearbg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's help is wrapped by picocli, never by hand: within a paragraph of a description, a line is
 * followed by another only when the next word would not have fitted on it (greedy wrapping at the usage
 * width), so no sentence breaks in the middle of a line.
 */
class HelpTextTest {

    @Test
    void descriptionsWrapOnlyWhereTheNextWordDoesNotFit() {
        CommandLine root = new CommandLine(new ClearBg());
        int width = root.getUsageHelpWidth();
        assertTrue(
                root.getSubcommands().size() >= 7,
                "the subcommands: " + root.getSubcommands().keySet());
        for (Map.Entry<String, CommandLine> command : root.getSubcommands().entrySet()) {
            String description = new CommandLine.Help(command.getValue().getCommandSpec()).description();
            List<String> lines = description.lines().toList();
            for (int i = 0; i + 1 < lines.size(); i++) {
                String line = lines.get(i).stripTrailing();
                String next = lines.get(i + 1).strip();
                if (line.isEmpty() || next.isEmpty() || endsParagraph(line)) {
                    continue;
                }
                String nextWord = next.split("\\s+")[0];
                assertTrue(
                        line.length() + 1 + nextWord.length() > width,
                        "clearbg " + command.getKey() + " --help breaks a line early before '" + nextWord + "':\n"
                                + description);
            }
        }
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        for (String command : new CommandLine(new ClearBg()).getSubcommands().keySet()) {
            CliRun help = CliRun.of(command, "--help");
            assertEquals(0, help.exitCode(), command + ": " + help.err());
            assertTrue(help.out().contains("Usage: clearbg " + command), help.out());
        }
    }

    /** A line that ends a sentence may end a paragraph (picocli starts each description element on a new line). */
    private static boolean endsParagraph(String line) {
        return line.endsWith(".") || line.endsWith(":") || line.endsWith(")");
    }
}
