package io.kmsjca.keys;

import java.util.Map;
import java.util.Objects;

/**
 * What {@link KeyService#createKey(CreateKeyRequest)} creates (KMS CreateKey): by default an
 * AES-256 key (spec SYMMETRIC_DEFAULT, usage ENCRYPT_DECRYPT) generated inside the provider; with
 * an asymmetric {@link #keySpec(KeySpec) spec}, a key pair through
 * {@link KeyService#createKeyPair(CreateKeyRequest)}, its usage fixed here (the spec's first
 * allowed usage unless set).
 *
 * <pre>{@code
 * keys.createKey(CreateKeyRequest.withAlias("orders").description("order rows").tags(Map.of("team", "shop"))
 *         .rotationPeriodDays(365));
 * }</pre>
 *
 * @param alias                          an alias, or null
 * @param rotationPeriodDays             automatic rotation period (90..2560), or 0 for none
 * @param policy                         the key policy (JSON, as PutKeyPolicy takes it), or null for the default one
 * @param bypassPolicyLockoutSafetyCheck whether to skip AWS's check that {@code policy} still lets the caller
 *                                       change it (PutKeyPolicy)
 */
public record CreateKeyRequest(String alias, String description, Map<String, String> tags, int rotationPeriodDays,
                               KeySpec keySpec, KeyUsage keyUsage, KeyOrigin origin, String policy,
                               boolean bypassPolicyLockoutSafetyCheck) {

    public CreateKeyRequest {
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(keySpec, "keySpec");
        Objects.requireNonNull(keyUsage, "keyUsage");
        Objects.requireNonNull(origin, "origin");
        tags = Map.copyOf(tags);
    }

    public CreateKeyRequest(String alias, String description, Map<String, String> tags, int rotationPeriodDays) {
        this(alias, description, tags, rotationPeriodDays, KeySpec.SYMMETRIC_DEFAULT, KeyUsage.ENCRYPT_DECRYPT);
    }

    public CreateKeyRequest(String alias, String description, Map<String, String> tags, int rotationPeriodDays,
                            KeySpec keySpec, KeyUsage keyUsage) {
        this(alias, description, tags, rotationPeriodDays, keySpec, keyUsage, KeyOrigin.GENERATED);
    }

    public CreateKeyRequest(String alias, String description, Map<String, String> tags, int rotationPeriodDays,
                            KeySpec keySpec, KeyUsage keyUsage, KeyOrigin origin) {
        this(alias, description, tags, rotationPeriodDays, keySpec, keyUsage, origin, null, false);
    }

    public static CreateKeyRequest withAlias(String alias) {
        return new CreateKeyRequest(alias, "", Map.of(), 0);
    }

    public static CreateKeyRequest withoutAlias() {
        return withAlias(null);
    }

    public CreateKeyRequest description(String text) {
        return new CreateKeyRequest(alias, text, tags, rotationPeriodDays, keySpec, keyUsage, origin, policy,
                bypassPolicyLockoutSafetyCheck);
    }

    public CreateKeyRequest tags(Map<String, String> next) {
        return new CreateKeyRequest(alias, description, next, rotationPeriodDays, keySpec, keyUsage, origin, policy,
                bypassPolicyLockoutSafetyCheck);
    }

    public CreateKeyRequest rotationPeriodDays(int days) {
        return new CreateKeyRequest(alias, description, tags, days, keySpec, keyUsage, origin, policy,
                bypassPolicyLockoutSafetyCheck);
    }

    /** The key spec; its usage becomes the spec's first allowed one unless {@link #keyUsage} follows. */
    public CreateKeyRequest keySpec(KeySpec spec) {
        return new CreateKeyRequest(alias, description, tags, rotationPeriodDays, spec, spec.allowedUsages().get(0), origin,
                policy, bypassPolicyLockoutSafetyCheck);
    }

    /** The key usage, fixed for the key's life. */
    public CreateKeyRequest keyUsage(KeyUsage usage) {
        return new CreateKeyRequest(alias, description, tags, rotationPeriodDays, keySpec, usage, origin, policy,
                bypassPolicyLockoutSafetyCheck);
    }

    /**
     * The key's origin: {@link KeyOrigin#GENERATED} (AWS_KMS, the default) or
     * {@link KeyOrigin#IMPORTED} (AWS's EXTERNAL): the key is created in state PendingImport
     * without material, for {@link KeyService#getParametersForImport} and
     * {@link KeyService#importKeyMaterial(String, byte[], byte[], ExpirationModel, java.time.Instant)}.
     * Such a key of any spec (symmetric, HMAC or asymmetric) is made by {@link KeyService#createKey(CreateKeyRequest)};
     * {@code createKeyPair} refuses origin IMPORTED (there is no public key yet), and
     * {@code findPrivateKey} gives an asymmetric key's handle once its material is imported.
     */
    public CreateKeyRequest origin(KeyOrigin next) {
        return new CreateKeyRequest(alias, description, tags, rotationPeriodDays, keySpec, keyUsage, next, policy,
                bypassPolicyLockoutSafetyCheck);
    }

    /**
     * The key's policy (KMS CreateKey's {@code Policy}), set in the same change that creates the
     * key: a policy that is malformed, or that would not let the caller change it again (AWS's
     * lockout safety check), refuses the request and no key is made. Creating a key with a policy
     * needs {@code kms:CreateKey} only, as in AWS KMS.
     */
    public CreateKeyRequest policy(String json) {
        return new CreateKeyRequest(alias, description, tags, rotationPeriodDays, keySpec, keyUsage, origin, json,
                bypassPolicyLockoutSafetyCheck);
    }

    /** Skips AWS's lockout safety check of {@link #policy(String)} (KMS's {@code BypassPolicyLockoutSafetyCheck}). */
    public CreateKeyRequest bypassPolicyLockoutSafetyCheck(boolean bypass) {
        return new CreateKeyRequest(alias, description, tags, rotationPeriodDays, keySpec, keyUsage, origin, policy, bypass);
    }
}
