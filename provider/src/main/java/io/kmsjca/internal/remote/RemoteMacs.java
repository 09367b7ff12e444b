package io.kmsjca.internal.remote;

import io.kmsjca.internal.engine.MacEngine;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.MacAlgorithm;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyStoreException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The HMAC keys and random bytes of a kms-jca server, for {@link RemoteKeyService} and the JCA
 * {@code Mac} of its handles: KMS GenerateMac, VerifyMac, GenerateRandom and DescribeKey's
 * MacAlgorithms, one request each. The server decides and audits every request; this class bounds
 * what it sends (4096-byte messages, 1..1024 random bytes, as AWS), checks each answer against its
 * request (the key, the algorithm, the MAC's and the random bytes' length) and turns AWS's errors
 * into the embedded mode's exceptions. Thread-safe.
 */
final class RemoteMacs {

    private final KmsHttpClient client;

    RemoteMacs(KmsHttpClient client) {
        this.client = client;
    }

    private String url() {
        return client.url();
    }

    private Fields call(String operation, JsonBody body) throws RemoteFailure {
        return client.fields(operation, body);
    }

    /** The MAC length of {@code algorithm} in bytes (its hash's). */
    static int macBytes(MacAlgorithm algorithm) {
        return switch (algorithm) {
            case HMAC_SHA_224 -> 28;
            case HMAC_SHA_256 -> 32;
            case HMAC_SHA_384 -> 48;
            case HMAC_SHA_512 -> 64;
        };
    }

    private static void checkRequest(byte[] message, MacAlgorithm algorithm) throws InvalidAlgorithmParameterException {
        Objects.requireNonNull(message, "message");
        if (algorithm == null) {
            throw new InvalidAlgorithmParameterException("a MAC algorithm is required");
        }
        if (message.length > MacEngine.MAX_MESSAGE_BYTES) {
            throw new InvalidAlgorithmParameterException("a GenerateMac or VerifyMac message is at most "
                    + MacEngine.MAX_MESSAGE_BYTES + " bytes, not " + message.length);
        }
    }

    /** KMS GenerateMac on the server. */
    byte[] generateMac(String ref, byte[] message, MacAlgorithm algorithm) throws GeneralSecurityException {
        checkRequest(message, algorithm);
        JsonBody body = new JsonBody().string("KeyId", ref).blob("Message", message, 0, message.length)
                .string("MacAlgorithm", algorithm.name());
        try {
            Fields r = call("GenerateMac", body);
            RemoteAnswers.answeredFor(url(), ref, r.keyId("KeyId"), "GenerateMac");
            RemoteAnswers.algorithmAnswered(url(), algorithm.name(), r.optionalString("MacAlgorithm"), "GenerateMac");
            byte[] mac = r.blob("Mac");
            if (mac.length != macBytes(algorithm)) {
                throw RemoteFailure.protocol(url(), "GenerateMac", "a MAC of " + mac.length + " bytes for " + algorithm);
            }
            return mac;
        } catch (RemoteFailure f) {
            throw refusal(f, "kms:GenerateMac", ref);
        }
    }

    /** KMS VerifyMac on the server: KMSInvalidMacException is {@code false}. */
    boolean verifyMac(String ref, byte[] message, byte[] mac, MacAlgorithm algorithm) throws GeneralSecurityException {
        checkRequest(message, algorithm);
        Objects.requireNonNull(mac, "mac");
        if (mac.length == 0 || mac.length > macBytes(MacAlgorithm.HMAC_SHA_512)) {
            return false; // no HMAC has this length: nothing to ask
        }
        JsonBody body = new JsonBody().string("KeyId", ref).blob("Message", message, 0, message.length)
                .blob("Mac", mac, 0, mac.length).string("MacAlgorithm", algorithm.name());
        try {
            Fields r = call("VerifyMac", body);
            RemoteAnswers.answeredFor(url(), ref, r.keyId("KeyId"), "VerifyMac");
            if (!r.bool("MacValid", false)) {
                throw RemoteFailure.protocol(url(), "VerifyMac", "an answer that is neither MacValid nor KMSInvalidMacException");
            }
            return true;
        } catch (RemoteFailure f) {
            if (f.is("KMSInvalidMacException")) {
                return false;
            }
            throw refusal(f, "kms:VerifyMac", ref);
        }
    }

    /** KMS GenerateRandom on the server: exactly {@code numberOfBytes} (1 to 1024) bytes. */
    byte[] generateRandom(int numberOfBytes) throws GeneralSecurityException {
        if (numberOfBytes < 1 || numberOfBytes > 1024) {
            throw new InvalidKeyRequestException("the number of random bytes must be 1 to 1024, not " + numberOfBytes);
        }
        try {
            byte[] random = call("GenerateRandom", new JsonBody().number("NumberOfBytes", numberOfBytes)).blob("Plaintext");
            if (random.length != numberOfBytes) {
                throw RemoteFailure.protocol(url(), "GenerateRandom", random.length + " bytes for a request of " + numberOfBytes);
            }
            return random;
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:GenerateRandom", null);
        }
    }

    /** The MAC algorithms of key {@code ref} (DescribeKey): one for an HMAC key, none for any other. */
    List<MacAlgorithm> macAlgorithms(String ref) throws KeyStoreException {
        try {
            Fields m = call("DescribeKey", new JsonBody().string("KeyId", ref)).object("KeyMetadata");
            String spec = m.optionalString("KeySpec");
            String usage = m.optionalString("KeyUsage");
            for (KeySpec s : KeySpec.values()) {
                if (s.name().equals(spec) && KeyUsage.GENERATE_VERIFY_MAC.name().equals(usage)) {
                    return MacAlgorithm.forKey(s, KeyUsage.GENERATE_VERIFY_MAC);
                }
            }
            return List.of();
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:DescribeKey", ref);
        }
    }

    /** A refusal as the embedded mode's: a ValidationException or InvalidKeyUsageException names the request's fault. */
    private GeneralSecurityException refusal(RemoteFailure f, String action, String ref) {
        if (f.is("ValidationException") || f.is("InvalidKeyUsageException")) {
            return (GeneralSecurityException) new java.security.InvalidKeyException(f.serverMessage() + " (kms-jca server "
                    + url() + ")").initCause(f);
        }
        return RemoteErrors.keyUse(f, action, ref);
    }
}
