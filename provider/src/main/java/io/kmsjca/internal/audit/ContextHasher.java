package io.kmsjca.internal.audit;

import io.kmsjca.internal.crypto.Primitives;
import io.kmsjca.internal.crypto.SecretBytes;
import io.kmsjca.internal.format.EncryptionContext;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an audit event shows of encryption-context values: by default a salted hash,
 * {@code hmac-sha256:HEX} under a key of the store, so equal values can be correlated within a
 * store without being revealed; or the values in plain, if configured.
 */
public final class ContextHasher {

    /** Values in plain. */
    public static final ContextHasher PLAIN = new ContextHasher(null);

    private final SecretBytes key;
    private final ThreadLocal<Mac> macs;

    private ContextHasher(SecretBytes key) {
        this.key = key;
        this.macs = key == null ? null : ThreadLocal.withInitial(this::newMac);
    }

    /** Values as HMAC-SHA256 under {@code key} (copied). */
    public static ContextHasher hmac(byte[] key) {
        return new ContextHasher(new SecretBytes(key, "HmacSHA256"));
    }

    Map<String, String> apply(EncryptionContext context) {
        if (context.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : context.pairs().entrySet()) {
            out.put(e.getKey(), key == null ? e.getValue() : "hmac-sha256:" + HexFormat.of().formatHex(
                    macs.get().doFinal(e.getValue().getBytes(StandardCharsets.UTF_8))));
        }
        return out;
    }

    private Mac newMac() {
        Mac mac = Primitives.mac("HmacSHA256");
        try {
            mac.init(key);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
        return mac;
    }
}
