package io.kmsjca.spring.boot;

import io.kmsjca.spi.internal.PasswordFiles;

import java.io.IOException;

/** Reads the store password from the one source {@code kms.password.*} names; the caller wipes it. */
final class KmsPasswordSource {

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

    /** The file's first line by the one rule for password files (docs/decisions.md), as kms.conf and kms read it. */
    private static char[] firstLine(KmsProperties.Password p) throws IOException {
        char[] line;
        try {
            line = PasswordFiles.firstLine(p.file());
        } catch (IllegalArgumentException e) {
            throw new IOException("kms.password.file: " + e.getMessage(), e);
        }
        if (line.length == 0) {
            throw new IOException("kms.password.file " + p.file() + ": the first line is empty");
        }
        return line;
    }
}
