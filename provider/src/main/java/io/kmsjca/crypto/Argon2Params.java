package io.kmsjca.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Argon2id parameters (RFC 9106) for turning a key-store password into a key-encryption key.
 * Every value read from a file passes {@link #of} first, so a crafted store can neither make
 * {@code load} allocate gigabytes nor run for minutes.
 *
 * @param memoryKiB   memory in KiB: 8 × parallelism .. 262,144 (256 MiB)
 * @param iterations  passes over memory: 1 .. 10
 * @param parallelism lanes: 1 .. 4
 */
public record Argon2Params(int memoryKiB, int iterations, int parallelism) {

    public static final int MAX_MEMORY_KIB = 256 * 1024;
    public static final int MAX_ITERATIONS = 10;
    public static final int MAX_PARALLELISM = 4;

    /** RFC 9106 §4 second recommended option (64 MiB, 3 passes), single lane as Bouncy Castle computes lanes serially. */
    public static final Argon2Params DEFAULT = new Argon2Params(64 * 1024, 3, 1);

    public Argon2Params {
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
    }

    /** Validating factory for values read from input. */
    public static Argon2Params of(int memoryKiB, int iterations, int parallelism) {
        return new Argon2Params(memoryKiB, iterations, parallelism);
    }

    /** Derives {@code length} bytes from {@code password} and {@code salt}; the caller wipes the result. */
    public byte[] derive(char[] password, byte[] salt, int length) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] pw = new byte[encoded.remaining()];
        encoded.get(pw);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
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
}
