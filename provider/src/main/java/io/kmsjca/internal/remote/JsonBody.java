package io.kmsjca.internal.remote;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeyOrigin;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * A request body of the AWS KMS JSON protocol: one flat object whose members are strings, numbers,
 * booleans, string maps (an encryption context, tags) or string lists, built into bytes it can
 * wipe, since a member may be a plaintext (Encrypt). Not a general JSON writer.
 */
final class JsonBody {

    private byte[] buf = new byte[256];
    private int len;
    private boolean first = true;

    JsonBody() {
        put('{');
    }

    /**
     * A CreateKey request's body: description, spec, usage, origin, tags and the key policy, as
     * the request gives them (its alias and rotation period are later requests).
     */
    static JsonBody createKey(CreateKeyRequest request) {
        JsonBody body = new JsonBody().string("Description", request.description())
                .string("KeySpec", request.keySpec().name()).string("KeyUsage", request.keyUsage().name());
        if (request.origin() == KeyOrigin.IMPORTED) {
            body.string("Origin", "EXTERNAL");
        }
        if (!request.tags().isEmpty()) {
            body.tags("Tags", request.tags());
        }
        if (request.policy() != null) {
            body.string("Policy", request.policy());
        }
        if (request.bypassPolicyLockoutSafetyCheck()) { // what kms:BypassPolicyLockoutSafetyCheck sees, policy or not
            body.bool("BypassPolicyLockoutSafetyCheck", true);
        }
        return body;
    }

    JsonBody string(String name, String value) {
        if (value != null) {
            name(name);
            quoted(value);
        }
        return this;
    }

    JsonBody number(String name, long value) {
        name(name);
        ascii(Long.toString(value));
        return this;
    }

    JsonBody bool(String name, boolean value) {
        name(name);
        ascii(Boolean.toString(value));
        return this;
    }

    /** A blob member: base64 of {@code bytes[off, off+n)}; the intermediate copy is wiped. */
    JsonBody blob(String name, byte[] bytes, int off, int n) {
        name(name);
        byte[] part = Arrays.copyOfRange(bytes, off, off + n);
        byte[] b64 = Base64.getEncoder().encode(part);
        try {
            put('"');
            for (byte b : b64) {
                put((char) b);
            }
            put('"');
        } finally {
            Arrays.fill(part, (byte) 0);
            Arrays.fill(b64, (byte) 0);
        }
        return this;
    }

    /** A map of strings (EncryptionContext); nothing when empty. */
    JsonBody map(String name, Map<String, String> pairs) {
        if (pairs.isEmpty()) {
            return this;
        }
        name(name);
        put('{');
        boolean firstPair = true;
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            if (!firstPair) {
                put(',');
            }
            firstPair = false;
            quoted(e.getKey());
            put(':');
            quoted(e.getValue());
        }
        put('}');
        return this;
    }

    /** A grant's {@code Constraints}: the two encryption-context maps, each left out when empty; nothing when both are. */
    JsonBody constraints(String name, Map<String, String> equals, Map<String, String> subset) {
        if (equals.isEmpty() && subset.isEmpty()) {
            return this;
        }
        name(name);
        JsonBody inner = new JsonBody().map("EncryptionContextEquals", equals).map("EncryptionContextSubset", subset);
        byte[] object = inner.toBytes();
        for (byte b : object) {
            putByte(b);
        }
        return this;
    }

    /** AWS tags: {@code [{"TagKey": k, "TagValue": v}, ...]}. */
    JsonBody tags(String name, Map<String, String> tags) {
        name(name);
        put('[');
        boolean firstTag = true;
        for (Map.Entry<String, String> e : tags.entrySet()) {
            if (!firstTag) {
                put(',');
            }
            firstTag = false;
            ascii("{\"TagKey\":");
            quoted(e.getKey());
            ascii(",\"TagValue\":");
            quoted(e.getValue());
            put('}');
        }
        put(']');
        return this;
    }

    JsonBody strings(String name, Collection<String> values) {
        name(name);
        put('[');
        boolean firstValue = true;
        for (String v : values) {
            if (!firstValue) {
                put(',');
            }
            firstValue = false;
            quoted(v);
        }
        put(']');
        return this;
    }

    /** The finished body; this builder's buffer is wiped. The caller wipes the result after sending. */
    byte[] toBytes() {
        put('}');
        byte[] out = Arrays.copyOf(buf, len);
        Arrays.fill(buf, (byte) 0);
        return out;
    }

    private void name(String name) {
        if (!first) {
            put(',');
        }
        first = false;
        quoted(name);
        put(':');
    }

    /** A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7), UTF-8. */
    private void quoted(String s) {
        put('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                put('\\');
                put(c);
            } else if (c < 0x20) {
                ascii(String.format("\\u%04x", (int) c));
            } else if (c < 0x80) {
                put(c);
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    putByte(b);
                }
                i = end - 1;
            }
        }
        put('"');
    }

    private void ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            put(s.charAt(i));
        }
    }

    private void put(char c) {
        putByte((byte) c);
    }

    private void putByte(byte b) {
        if (len == buf.length) {
            byte[] bigger = Arrays.copyOf(buf, buf.length * 2);
            Arrays.fill(buf, (byte) 0);
            buf = bigger;
        }
        buf[len++] = b;
    }
}
