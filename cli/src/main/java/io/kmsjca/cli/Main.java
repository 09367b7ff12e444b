package io.kmsjca.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/** The {@code kms} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            out.println("usage: kms demo [--dir FOLDER]");
            out.println("  demo   create a master key, generate a data key, encrypt a file with it, and");
            out.println("         decrypt it again from the stored wrapped key alone (a new temporary folder");
            out.println("         unless --dir is given)");
            return args.length == 0 ? 2 : 0;
        }
        if (!args[0].equals("demo")) {
            err.println("kms: unknown command '" + args[0] + "'; run 'kms --help'");
            return 2;
        }
        try {
            Path dir = args.length >= 3 && args[1].equals("--dir") ? Path.of(args[2]) : null;
            new Demo(out).run(dir);
            return 0;
        } catch (Exception e) {
            err.println("kms demo failed: " + e);
            return 1;
        }
    }
}
