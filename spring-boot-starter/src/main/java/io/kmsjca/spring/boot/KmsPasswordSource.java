package io.kmsjca.spring.boot;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

/** Reads the store password from the one source {@code kms.password.*} names; the caller wipes it. */
final class KmsPasswordSource {

    private static final int MAX_CHARS = 4096;

    private KmsPasswordSource() {
    }

    static char[] read(KmsProperties.Password p) throws IOException {
        int sources = (p.file() != null ? 1 : 0) + (p.env() != null ? 1 : 0) + (p.value() != null ? 1 : 0);
        if (sources != 1) {
            throw new IllegalStateException("name exactly one of kms.password.file, kms.password.env and "
                    + "kms.password.value (" + sources + " given)");
        }
        if (p.value() != null) {
            return p.value().toCharArray();
        }
        if (p.env() != null) {
            String v = System.getenv(p.env());
            if (v == null || v.isEmpty()) {
                throw new IllegalStateException("kms.password.env: the environment variable " + p.env() + " is not set");
            }
            return v.toCharArray();
        }
        return firstLine(p);
    }

    /** The file's first line, without holding it in a String. */
    private static char[] firstLine(KmsProperties.Password p) throws IOException {
        CharBuffer buf = CharBuffer.allocate(MAX_CHARS + 1);
        try (BufferedReader r = Files.newBufferedReader(p.file(), StandardCharsets.UTF_8)) {
            int c;
            while (buf.hasRemaining() && (c = r.read()) != -1 && c != '\n' && c != '\r') {
                buf.put((char) c);
            }
            if (buf.position() > MAX_CHARS) {
                throw new IOException("kms.password.file " + p.file() + ": the first line is longer than " + MAX_CHARS);
            }
            if (buf.position() == 0) {
                throw new IOException("kms.password.file " + p.file() + ": the first line is empty");
            }
            return Arrays.copyOf(buf.array(), buf.position());
        } finally {
            Arrays.fill(buf.array(), '\0');
        }
    }
}
