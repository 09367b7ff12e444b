package io.kmsjca.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A run models only the command it names, and that command is the one the whole tree has. */
class KmsCommandTest {

    @Test
    void aRunNamingACommand_modelsThatCommandAlone_withTheSameHelp() {
        Map<String, CommandLine> whole = KmsCommand.build().getSubcommands();
        for (Map.Entry<String, CommandLine> command : whole.entrySet()) {
            String name = command.getKey();
            if (name.equals("generate-completion")) {
                continue; // needs the whole tree: below
            }
            CommandLine root = KmsCommand.forRun(new String[] {name, "--help"});
            assertEquals(new TreeSet<>(java.util.List.of(name, "demo")), new TreeSet<>(root.getSubcommands().keySet()), name);
            assertEquals(command.getValue().getUsageMessage(), root.getSubcommands().get(name).getUsageMessage(), name);
        }
    }

    @Test
    void theHelp_theCompletionScript_andAnUnknownName_getTheWholeTree() {
        Set<String> whole = KmsCommand.build().getSubcommands().keySet();
        for (String[] args : new String[][] {{}, {"--help"}, {"generate-completion"}, {"create-kye"}, {"-V"}}) {
            assertEquals(whole, KmsCommand.forRun(args).getSubcommands().keySet(), String.join(" ", args));
        }
    }

    @Test
    void aCommandRunAlone_behavesAsInTheWholeTree() {
        java.io.StringWriter alone = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Main.run(new String[] {"create-key", "--no-such-flag"}, new java.io.PrintWriter(alone), new java.io.PrintWriter(err));
        assertEquals(ExitCode.USAGE, code);
        assertEquals("kms: Unknown option: '--no-such-flag'; run 'kms create-key --help'", err.toString().strip());
    }
}
