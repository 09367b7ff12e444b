package io.kmsjca.server;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyPage;
import io.kmsjca.keys.KeyServiceOptions;

import java.security.KeyStoreException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.kmsjca.server.Shapes.map;

/** CreateKey, DescribeKey, ListKeys and the key states: EnableKey, DisableKey, ScheduleKeyDeletion, CancelKeyDeletion. */
final class KeyOperations {

    /** AWS's limits on a description and a policy document. */
    static final int MAX_DESCRIPTION_CHARS = 8192;
    static final int MAX_POLICY_CHARS = 32768;
    /** AWS's default waiting period of ScheduleKeyDeletion. */
    static final int DEFAULT_PENDING_WINDOW_DAYS = 30;

    private final OperationContext kms;
    private final String account;

    KeyOperations(OperationContext kms, String account) {
        this.kms = kms;
        this.account = account;
    }

    void register(Map<String, Operation> table) {
        table.put("CreateKey", this::createKey);
        table.put("DescribeKey", this::describeKey);
        table.put("ListKeys", this::listKeys);
        table.put("EnableKey", r -> {
            kms.service().enableKey(kms.key(r, "KeyId"));
            return Map.of();
        });
        table.put("DisableKey", r -> {
            kms.service().disableKey(kms.key(r, "KeyId"));
            return Map.of();
        });
        table.put("ScheduleKeyDeletion", this::scheduleKeyDeletion);
        table.put("CancelKeyDeletion", r -> {
            String key = kms.key(r, "KeyId");
            kms.service().cancelKeyDeletion(key);
            return map("KeyId", arn(key));
        });
    }

    private Map<String, Object> createKey(JsonInput r) throws Exception {
        KeySpec spec = keySpec(first(r.string("KeySpec", 64), r.string("CustomerMasterKeySpec", 64)));
        KeyUsage usage = keyUsage(spec, r.string("KeyUsage", 64));
        String origin = r.string("Origin", 64);
        if (origin != null && !origin.equals("AWS_KMS") && !origin.equals("EXTERNAL")) {
            throw KmsError.unsupported("Origin " + origin + " is not supported: AWS_KMS or EXTERNAL");
        }
        r.refuse("CustomKeyStoreId", ": keys live in this server's store");
        r.refuse("XksKeyId", ": keys live in this server's store");
        if (r.bool("MultiRegion")) {
            throw KmsError.unsupported("MultiRegion keys are not supported");
        }
        String description = r.string("Description", MAX_DESCRIPTION_CHARS);
        String policy = r.string("Policy", MAX_POLICY_CHARS);
        Map<String, String> tags = TagOperations.tagList(r);
        boolean external = "EXTERNAL".equals(origin);
        // the policy is set in the change that creates the key: a refused policy leaves no key (docs/decisions.md)
        CreateKeyRequest request = CreateKeyRequest.withoutAlias().description(description == null ? "" : description).tags(tags)
                .origin(external ? KeyOrigin.IMPORTED : KeyOrigin.GENERATED).keySpec(spec).keyUsage(usage)
                .policy(policy).bypassPolicyLockoutSafetyCheck(r.bool("BypassPolicyLockoutSafetyCheck"));
        // a key pair of origin EXTERNAL has no public key yet: createKey makes it (docs/decisions.md)
        UUID createdId = spec.isAsymmetric() && !external
                ? kms.service().createKeyPair(request).keyId()
                : kms.service().createKey(request).keyId();
        String keyId = createdId.toString();
        KeyMetadata created;
        try {
            created = kms.service().describeKey(keyId);
        } catch (KeyAccessDeniedException e) {
            // allowed to create but not to describe (a store policy granting kms:CreateKey alone): what the request said
            created = KeyMetadata.asRequested(createdId, null, request, Instant.now());
        }
        return map("KeyMetadata", Shapes.keyMetadata(created, kms.ids(), account));
    }

    private Map<String, Object> describeKey(JsonInput r) throws Exception {
        return map("KeyMetadata", Shapes.keyMetadata(kms.service().describeKey(kms.key(r, "KeyId")), kms.ids(), account));
    }

    private Map<String, Object> listKeys(JsonInput r) throws Exception {
        int limit = r.integer("Limit", 1, 1000, 100);
        KeyPage page = kms.service().listKeys(limit, r.string("Marker", 1024));
        List<Map<String, Object>> keys = page.keys().stream()
                .map(m -> map("KeyId", m.keyId().toString(), "KeyArn", kms.ids().keyArn(m.keyId()))).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Keys", keys);
        out.put("NextMarker", page.nextMarker());
        out.put("Truncated", page.nextMarker() != null);
        return out;
    }

    private Map<String, Object> scheduleKeyDeletion(JsonInput r) throws Exception {
        String key = kms.key(r, "KeyId");
        int days = r.integer("PendingWindowInDays", KeyServiceOptions.MIN_PENDING_WINDOW_DAYS,
                KeyServiceOptions.MAX_PENDING_WINDOW_DAYS, DEFAULT_PENDING_WINDOW_DAYS);
        Instant deletion = kms.service().scheduleKeyDeletion(key, days);
        return map("KeyId", arn(key), "DeletionDate", deletion, "KeyState", KeyState.PENDING_DELETION.displayName(),
                "PendingWindowInDays", days);
    }

    /** The ARN of the key {@code resolved} names (an alias is looked up). */
    private String arn(String resolved) throws KeyStoreException {
        return kms.ids().keyArn(kms.handle(resolved).keyId());
    }

    /**
     * AWS's KeySpec (or the deprecated CustomerMasterKeySpec): SYMMETRIC_DEFAULT when absent; the
     * SM2 spec AWS has and kms-jca does not is UnsupportedOperationException; a name AWS
     * does not have is ValidationException.
     */
    static KeySpec keySpec(String name) throws KmsError {
        if (name == null) {
            return KeySpec.SYMMETRIC_DEFAULT;
        }
        for (KeySpec spec : KeySpec.values()) {
            if (spec.name().equals(name)) {
                return spec;
            }
        }
        if (name.equals("SM2")) {
            throw KmsError.unsupported("KeySpec " + name + " is not supported yet");
        }
        throw KmsError.validation("KeySpec " + name + " is not a key spec: one of " + java.util.Arrays.toString(KeySpec.values()));
    }

    /**
     * AWS's KeyUsage: optional (ENCRYPT_DECRYPT) for a symmetric key, required for a key pair and an HMAC key, and
     * one the spec allows (KeySpec#allowedUsages), else ValidationException as AWS answers.
     */
    static KeyUsage keyUsage(KeySpec spec, String name) throws KmsError {
        if (name == null) {
            if (spec != KeySpec.SYMMETRIC_DEFAULT) { // AWS asks a key pair's and an HMAC key's usage
                throw KmsError.validation("KeyUsage is required for a " + spec + " key: one of " + spec.allowedUsages());
            }
            return KeyUsage.ENCRYPT_DECRYPT;
        }
        KeyUsage usage;
        try {
            usage = KeyUsage.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw KmsError.validation("KeyUsage " + name + " is not a key usage: one of " + java.util.Arrays.toString(KeyUsage.values()));
        }
        if (!spec.allowedUsages().contains(usage)) {
            throw KmsError.validation("KeyUsage " + usage + " is not allowed for KeySpec " + spec + ": one of " + spec.allowedUsages());
        }
        return usage;
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
