package io.kmsjca.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

/**
 * Where the key store password comes from, in this order: {@code --password-file}, the
 * environment variable {@code KMS_KEYSTORE_PASSWORD}, a prompt without echo on the terminal.
 * Never from the command line, where other users and the shell history would see it.
 */
final class Passwords {

    static final String ENV = "KMS_KEYSTORE_PASSWORD";
    private static final int MAX_FILE_BYTES = 4096;

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
        byte[] bytes = null;
        try (InputStream in = Files.newInputStream(options.passwordFile)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new CliException(ExitCode.USAGE, "password file " + options.passwordFile
                        + " is longer than " + MAX_FILE_BYTES + " bytes; put the password alone on its first line");
            }
            int end = 0;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, end));
            char[] password = Arrays.copyOfRange(chars.array(), chars.position(), chars.limit());
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCode.USAGE, "password file " + options.passwordFile + " is not UTF-8 text");
        } catch (IOException e) {
            throw Failures.explain(e);
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
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
