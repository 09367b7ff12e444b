package io.kmsjca.keys;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Argon2id parameters (RFC 9106) for turning a key-store password into a key-encryption key.
 * Every value read from a file passes {@link #of} first, so a crafted store can neither make
 * {@code load} allocate gigabytes nor run for minutes.
 *
 * <p>Two rules, for two uses. Any value inside the bounds below opens an existing store (its
 * header is authenticated, and the cost was chosen when it was written). A new password (a new
 * store, a password change, a stream written by {@code KeyStore.store}) needs at least
 * {@link #MIN_MEMORY_KIB_FOR_NEW} KiB and {@link #MIN_ITERATIONS_FOR_NEW} passes, OWASP's
 * recommendation for Argon2id ({@link #meetsFloorForNewPasswords}), unless the parameters are
 * {@link #insecureForTests()}. Memory: 8 × parallelism .. 262,144 KiB (256 MiB); passes: 1 .. 10;
 * lanes: 1 .. 4.
 */
public final class Argon2Params {

    public static final int MAX_MEMORY_KIB = 256 * 1024;
    public static final int MAX_ITERATIONS = 10;
    public static final int MAX_PARALLELISM = 4;

    /** OWASP Password Storage Cheat Sheet, Argon2id: 19 MiB ... */
    public static final int MIN_MEMORY_KIB_FOR_NEW = 19 * 1024;
    /** ... and two passes. */
    public static final int MIN_ITERATIONS_FOR_NEW = 2;

    /** RFC 9106 §4 second recommended option (64 MiB, 3 passes), single lane as Bouncy Castle computes lanes serially. */
    public static final Argon2Params DEFAULT = new Argon2Params(64 * 1024, 3, 1, false);

    /**
     * Bytes of heap per KiB of Argon2 memory: Bouncy Castle holds each 1 KiB block as a
     * {@code long[128]} (1,024 bytes and an array header) inside a {@code Block} object, referenced
     * from an array; 1,088 covers those headers with a margin.
     */
    static final long HEAP_BYTES_PER_KIB = 1088;

    private static final Argon2Params INSECURE_FOR_TESTS = new Argon2Params(64, 1, 1, true);

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final boolean insecureForTests;

    private Argon2Params(int memoryKiB, int iterations, int parallelism, boolean insecureForTests) {
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("Argon2 parallelism must be 1.." + MAX_PARALLELISM + ", was " + parallelism);
        }
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("Argon2 memory must be " + 8 * parallelism + ".." + MAX_MEMORY_KIB
                    + " KiB, was " + memoryKiB);
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("Argon2 iterations must be 1.." + MAX_ITERATIONS + ", was " + iterations);
        }
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
        this.insecureForTests = insecureForTests;
    }

    /** Validating factory for values read from input: the bounds only, not the floor for new passwords. */
    public static Argon2Params of(int memoryKiB, int iterations, int parallelism) {
        return new Argon2Params(memoryKiB, iterations, parallelism, false);
    }

    /**
     * 64 KiB and one pass: cheap enough for test suites that create hundreds of stores, and
     * accepted for new passwords only because it says what it is. Never for real stores: a
     * stolen store file protected by it is open to a fast password search.
     */
    public static Argon2Params insecureForTests() {
        return INSECURE_FOR_TESTS;
    }

    public int memoryKiB() {
        return memoryKiB;
    }

    public int iterations() {
        return iterations;
    }

    public int parallelism() {
        return parallelism;
    }

    /** Whether these parameters are {@link #insecureForTests()}. */
    public boolean isInsecureForTests() {
        return insecureForTests;
    }

    /** Whether a new password may be set with these parameters: at or above the floor, or the named test setting. */
    public boolean meetsFloorForNewPasswords() {
        return insecureForTests || memoryKiB >= MIN_MEMORY_KIB_FOR_NEW && iterations >= MIN_ITERATIONS_FOR_NEW;
    }

    /**
     * Refuses parameters below the floor for new passwords.
     *
     * @throws IllegalArgumentException below {@link #MIN_MEMORY_KIB_FOR_NEW} KiB or
     *                                  {@link #MIN_ITERATIONS_FOR_NEW} passes
     */
    public Argon2Params requireFloorForNewPasswords() {
        if (!meetsFloorForNewPasswords()) {
            throw new IllegalArgumentException("Argon2id for a new password needs at least " + MIN_MEMORY_KIB_FOR_NEW
                    + " KiB of memory and " + MIN_ITERATIONS_FOR_NEW + " passes (OWASP), was " + memoryKiB + " KiB and "
                    + iterations + (iterations == 1 ? " pass" : " passes"));
        }
        return this;
    }

    /** The heap one derivation needs, in bytes (an estimate that errs high). */
    public long heapBytesNeeded() {
        return memoryKiB * HEAP_BYTES_PER_KIB;
    }

    /**
     * Derives {@code length} bytes from {@code password} and {@code salt}; the caller wipes the result.
     *
     * @throws InsufficientHeapException the JVM's heap cannot hold the derivation's memory: checked
     *                                   before anything is allocated, instead of an OutOfMemoryError
     *                                   in the middle of Argon2
     */
    public byte[] derive(char[] password, byte[] salt, int length) throws InsufficientHeapException {
        InsufficientHeapException.check(heapBytesNeeded(), "Argon2id of the key store (" + memoryKiB + " KiB)");
        byte[] pw = passwordBytes(password);
        try {
            var generator = new Argon2BytesGenerator();
            generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                    .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                    .withMemoryAsKB(memoryKiB)
                    .withIterations(iterations)
                    .withParallelism(parallelism)
                    .withSalt(salt)
                    .build());
            byte[] out = new byte[length];
            generator.generateBytes(pw, out);
            return out;
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }

    /**
     * The bytes Argon2id takes for {@code password}: its UTF-8; or, for a password that is not valid
     * Unicode (an unpaired surrogate, for which UTF-8 would write '?', so that another password
     * matched), the byte 0xFF, which UTF-8 never writes, then its UTF-16 code units: a derivation of
     * that password alone. The caller wipes the result.
     */
    private static byte[] passwordBytes(char[] password) {
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(password));
        } catch (CharacterCodingException notUnicode) {
            byte[] units = new byte[1 + 2 * password.length];
            units[0] = (byte) 0xFF;
            for (int i = 0; i < password.length; i++) {
                units[1 + 2 * i] = (byte) (password[i] >> 8);
                units[2 + 2 * i] = (byte) password[i];
            }
            return units;
        }
        byte[] pw = new byte[encoded.remaining()];
        encoded.get(pw);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return pw;
    }

    /** Equal when they derive alike: the test marker is a permission, not a parameter. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Argon2Params p && p.memoryKiB == memoryKiB && p.iterations == iterations
                && p.parallelism == parallelism;
    }

    @Override
    public int hashCode() {
        return Objects.hash(memoryKiB, iterations, parallelism);
    }

    @Override
    public String toString() {
        return "Argon2id[m=" + memoryKiB + " KiB, t=" + iterations + ", p=" + parallelism
                + (insecureForTests ? ", insecure, for tests" : "") + "]";
    }
}
