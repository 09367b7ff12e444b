package io.kmsjca.internal.store;

import io.kmsjca.internal.format.KeySlot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * A key file: the credential of a service, as text (docs/FORMAT.md, "Key file"):
 * <pre>
 * kms-jca-credential 1
 * principal NAME
 * secret BASE64 (32 bytes)
 * </pre>
 * Written owner-only (0600) and never over an existing file; refused when read if group or
 * others may read or write it, on file systems with POSIX permissions (as ssh refuses a private
 * key). At most {@link #MAX_BYTES} are read, and every byte read is wiped.
 */
public final class KeyFileFormat {

    public static final int MAX_BYTES = 1024;
    private static final String FIRST_LINE = "kms-jca-credential 1";
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private KeyFileFormat() {
    }

    /** The text of a key file naming {@code principal} with {@code secret}. */
    public static byte[] format(String principal, byte[] secret) {
        byte[] encoded = Base64.getEncoder().encode(secret);
        byte[] head = (FIRST_LINE + "\nprincipal " + principal + "\nsecret ").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + encoded.length + 1];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(encoded, 0, out, head.length, encoded.length);
        out[out.length - 1] = '\n';
        Arrays.fill(encoded, (byte) 0);
        return out;
    }

    /** Creates {@code file} owner-only with {@code content}; fails if it exists. */
    public static void write(Path file, byte[] content) throws IOException {
        if (Files.getFileStore(file.toAbsolutePath().getParent()).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(EnumSet.of(PosixFilePermission.OWNER_READ,
                    PosixFilePermission.OWNER_WRITE)));
        } else {
            Files.createFile(file);
        }
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.SYNC)) {
            out.write(content);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(file); // no half-written key file is left behind
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        // the file's name is durable too before anything relies on it (replaceKeyFile then changes the store)
        io.kmsjca.spi.internal.AtomicFiles.fsyncDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Reads a key file.
     *
     * @throws IOException a file group or others may access, a file too long, or not a key file
     */
    public static CredentialSecret read(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            Set<PosixFilePermission> permissions = posix.readAttributes().permissions();
            permissions.retainAll(NOT_OWNER);
            if (!permissions.isEmpty()) {
                throw new IOException("key file " + file + " is accessible by others (" + permissions
                        + "): it must be readable by its owner only (chmod 600)");
            }
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException("key file " + file + " is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        try {
            return parse(bytes, file.toString());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Parses a key file's bytes (which the caller wipes). */
    static CredentialSecret parse(byte[] bytes, String name) throws IOException {
        if (bytes.length > MAX_BYTES) {
            throw new IOException("key file " + name + " is longer than " + MAX_BYTES + " bytes: not a kms-jca key file");
        }
        int[] ends = new int[3];
        int line = 0;
        for (int i = 0; i < bytes.length && line < 3; i++) {
            if (bytes[i] == '\n') {
                ends[line++] = i;
            }
        }
        boolean lastUnterminated = line == 2 && bytes.length > ends[1] + 1;
        if (lastUnterminated) {
            ends[2] = bytes.length;
        } else if (line != 3 || ends[2] != bytes.length - 1) {
            throw malformed(name);
        }
        String first = new String(bytes, 0, ends[0], StandardCharsets.UTF_8);
        String second = new String(bytes, ends[0] + 1, ends[1] - ends[0] - 1, StandardCharsets.UTF_8);
        if (!first.equals(FIRST_LINE) || !second.startsWith("principal ") || !startsWith(bytes, ends[1] + 1, "secret ")) {
            throw malformed(name);
        }
        String principal = second.substring("principal ".length());
        try {
            KeySlot.checkPrincipal(principal);
        } catch (IllegalArgumentException e) {
            throw new IOException("key file " + name + ": " + e.getMessage());
        }
        int from = ends[1] + 1 + "secret ".length();
        byte[] encoded = Arrays.copyOfRange(bytes, from, ends[2]);
        byte[] secret = null;
        try {
            secret = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw malformed(name);
        } finally {
            Arrays.fill(encoded, (byte) 0);
        }
        if (secret.length != CredentialSecret.KEY_FILE_SECRET_BYTES) {
            Arrays.fill(secret, (byte) 0);
            throw malformed(name);
        }
        return CredentialSecret.keyFile(principal, secret);
    }

    private static boolean startsWith(byte[] bytes, int at, String prefix) {
        byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
        return bytes.length - at >= p.length && Arrays.equals(bytes, at, at + p.length, p, 0, p.length);
    }

    private static IOException malformed(String name) {
        return new IOException("key file " + name + " is not a kms-jca key file (three lines: 'kms-jca-credential 1',"
                + " 'principal NAME', 'secret BASE64' of 32 bytes)");
    }
}
