package io.kmsjca.spi.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The one rule for password files, wherever a password is read from one (the store password of
 * {@code kms.conf} and of the {@code kms} command, the database password of a shared store):
 * the first line, without surrounding white space, UTF-8, in a file of at most
 * {@link #MAX_BYTES}. The bytes read are wiped.
 */
public final class PasswordFiles {

    public static final int MAX_BYTES = 4096;

    private PasswordFiles() {
    }

    /**
     * @throws IllegalArgumentException the file is longer than {@link #MAX_BYTES} or not UTF-8
     * @throws IOException              the file cannot be read
     */
    public static char[] firstLine(Path file) throws IOException {
        byte[] bytes = null;
        CharBuffer chars = null;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalArgumentException("password file " + file + " is longer than " + MAX_BYTES
                        + " bytes; put the password alone on its first line");
            }
            int end = 0;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes, 0, end));
            int from = 0;
            int to = chars.limit();
            while (from < to && Character.isWhitespace(chars.get(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(chars.get(to - 1))) {
                to--;
            }
            char[] line = new char[to - from];
            for (int i = from; i < to; i++) {
                line[i - from] = chars.get(i);
            }
            return line;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("password file " + file + " is not UTF-8 text");
        } finally {
            if (bytes != null) {
                Arrays.fill(bytes, (byte) 0);
            }
            if (chars != null && chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
        }
    }
}
