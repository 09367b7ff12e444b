package io.kmsjca.cli;

import io.kmsjca.spi.internal.PasswordFiles;

import java.io.Console;
import java.io.IOException;
import java.util.Arrays;

/**
 * Where the key store password comes from, in this order: {@code --password-file} (read as
 * {@link PasswordFiles} reads every password file), the
 * environment variable {@code KMS_KEYSTORE_PASSWORD}, a prompt without echo on the terminal.
 * Never from the command line, where other users and the shell history would see it.
 */
final class Passwords {

    static final String ENV = "KMS_KEYSTORE_PASSWORD";

    private Passwords() {
    }

    static char[] read(Common options, boolean newStore) {
        char[] password = options.passwordFile != null ? fromFile(options) : fromEnvironment();
        if (password == null) {
            password = prompt(newStore);
        }
        if (password.length == 0) {
            throw new CliException(ExitCode.USAGE, "the key store password is empty");
        }
        return password;
    }

    private static char[] fromEnvironment() {
        String value = System.getenv(ENV);
        return value == null ? null : value.toCharArray();
    }

    private static char[] fromFile(Common options) {
        try {
            return PasswordFiles.firstLine(options.passwordFile);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        } catch (IOException e) {
            throw Failures.explain(e);
        }
    }

    private static char[] prompt(boolean newStore) {
        Console console = System.console();
        if (console == null) {
            throw new CliException(ExitCode.USAGE, "no key store password: set " + ENV
                    + ", pass --password-file FILE, or run on a terminal to be asked");
        }
        char[] first = console.readPassword(newStore ? "New key store password: " : "Key store password: ");
        if (first == null) {
            throw new CliException(ExitCode.USAGE, "no key store password was entered");
        }
        if (newStore) {
            char[] again = console.readPassword("Repeat the password: ");
            boolean same = again != null && Arrays.equals(first, again);
            if (again != null) {
                Arrays.fill(again, '\0');
            }
            if (!same) {
                Arrays.fill(first, '\0');
                throw new CliException(ExitCode.USAGE, "the two passwords differ; nothing was created");
            }
        }
        return first;
    }
}
