package io.kmsjca.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The {@code kms} command: see {@link KmsCommand} and docs/cli.md. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8)));
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        CommandLine kms = KmsCommand.forRun(args);
        // no picocli @-files: an argument is a value as given, never the words of a file it names (the AWS CLI has none)
        kms.setExpandAtFiles(false);
        kms.setOut(out);
        kms.setErr(err);
        kms.setParameterExceptionHandler((e, params) -> {
            CommandLine command = e.getCommandLine();
            err.println("kms: " + e.getMessage() + "; run '" + command.getCommandSpec().qualifiedName() + " --help'");
            return ExitCode.USAGE;
        });
        kms.setExecutionExceptionHandler((e, command, parsed) -> {
            CliException failure = Failures.explain(e);
            err.println("kms: " + failure.getMessage());
            if (debug) {
                e.printStackTrace(err);
            }
            return failure.exitCode();
        });
        int code = kms.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
