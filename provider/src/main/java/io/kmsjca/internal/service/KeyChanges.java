package io.kmsjca.internal.service;

import io.kmsjca.internal.model.Aliases;
import io.kmsjca.internal.model.CertificateChain;
import io.kmsjca.internal.model.KeyPairMaterial;
import io.kmsjca.internal.model.KeyNames;
import io.kmsjca.internal.model.KeyVersion;
import io.kmsjca.internal.model.MasterKey;
import io.kmsjca.internal.model.TransitionArgumentInvalid;
import io.kmsjca.internal.model.TransitionRefused;
import io.kmsjca.internal.policy.MalformedPolicyException;
import io.kmsjca.internal.policy.PolicyDocument;
import io.kmsjca.internal.store.MasterKeyCodec;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyNotFoundException;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.internal.model.AccessRules;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyStateException;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;

import io.kmsjca.internal.audit.AuditDispatcher;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.KeyStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * How a key changes, in one place: look it up, apply a transition through the {@link KeyRegistry}'s
 * transaction (compare-and-set, re-applied after a lost race), and audit the outcome, success or
 * refusal. {@link EmbeddedKeyService} says which transition; this class makes it happen.
 */
public final class KeyChanges {

    private final KeyRegistry registry;
    private final AuditDispatcher audit;
    private final KeyServiceOptions options;
    private final KeyAccess access;

    KeyChanges(KeyRegistry registry, AuditDispatcher audit, KeyServiceOptions options, KeyAccess access) {
        this.registry = registry;
        this.audit = audit;
        this.options = options;
        this.access = access;
    }

    Instant now() {
        return options.clock().instant();
    }

    /** Creates a key (generated material, or {@code material} imported) and audits it. */
    MasterKey newKey(AuditOperation op, String alias, String description, Map<String, String> tags,
                     KeyManagerType manager, int rotationDays, RotationReason reason, byte[] material,
                     NewKeyPolicy policy) throws KeyStoreException {
        return create(op, alias, description, tags, policy, (id, now) -> {
            KeyVersion first = material != null ? new KeyVersion(1, now, KeyOrigin.IMPORTED, reason, material, 0)
                    : generatedVersion(1, now, reason);
            return MasterKey.create(id, description, manager, now, aliases(alias), tags, rotationDays, first);
        }, () -> { });
    }

    /**
     * Creates an asymmetric key holding {@code pair} (generated, or imported: {@code origin}) and
     * audits it. The registry takes {@code pair}; it is wiped here if the key is not created.
     */
    MasterKey newKeyPair(AuditOperation op, String alias, String description, Map<String, String> tags, KeySpec spec,
                         KeyUsage usage, KeyOrigin origin, KeyPairMaterial pair, CertificateChain chain,
                         NewKeyPolicy policy) throws KeyStoreException {
        return create(op, alias, description, tags, policy, (id, now) -> {
            KeyVersion only = new KeyVersion(1, now, origin, reasonFor(origin), pair, 0);
            return MasterKey.createPair(id, description, KeyManagerType.CUSTOMER, now, aliases(alias), tags, spec, usage,
                    only, chain);
        }, pair::wipe);
    }

    /**
     * Creates an HMAC key of {@code spec} whose one version holds {@code material} (generated here,
     * or imported: {@code origin}) and audits it. The caller wipes {@code material}.
     */
    MasterKey newHmacKey(AuditOperation op, String alias, String description, Map<String, String> tags, KeySpec spec,
                         KeyOrigin origin, byte[] material, NewKeyPolicy policy) throws KeyStoreException {
        return create(op, alias, description, tags, policy, (id, now) -> {
            KeyVersion only = new KeyVersion(1, now, origin, reasonFor(origin), spec, material, 0);
            return MasterKey.createHmac(id, description, KeyManagerType.CUSTOMER, now, aliases(alias), tags, spec,
                    KeyUsage.GENERATE_VERIFY_MAC, only, AccessRules.DEFAULT);
        }, () -> { });
    }

    /**
     * A key of origin EXTERNAL (KMS CreateKey with {@code Origin: EXTERNAL}): in state
     * PendingImport, without material, audited.
     */
    MasterKey newExternalKey(AuditOperation op, String alias, CreateKeyRequest request, NewKeyPolicy policy)
            throws KeyStoreException {
        return create(op, alias, request.description(), request.tags(), policy, (id, now) -> MasterKey.createExternal(id,
                request.description(), now, aliases(alias), request.tags(), request.keySpec(), request.keyUsage()), () -> { });
    }

    /** The key policy a CreateKey request sets on the key it makes, parsed; null when it sets none. */
    record NewKeyPolicy(PolicyDocument document, boolean bypassLockoutCheck) {
    }

    /** The policy {@code request} sets, parsed (a malformed one is refused, audited), or null. */
    NewKeyPolicy newKeyPolicy(AuditOperation op, CreateKeyRequest request) throws KeyStoreException {
        return request.policy() == null ? null
                : new NewKeyPolicy(parsePolicy(op, request.alias(), request.policy()), request.bypassPolicyLockoutSafetyCheck());
    }

    /** A policy document as PutKeyPolicy, PutStorePolicy and CreateKey take it: a malformed one is refused, audited. */
    PolicyDocument parsePolicy(AuditOperation op, String alias, String policy) throws KeyStoreException {
        if (policy == null) {
            throw audited(op, null, alias, new InvalidKeyRequestException("a policy document is required"));
        }
        try {
            return PolicyDocument.parse(policy);
        } catch (MalformedPolicyException e) {
            throw audited(op, null, alias, new InvalidKeyRequestException("MalformedPolicyDocument: " + e.getMessage(), e));
        }
    }

    /**
     * {@code key} with {@code document} as its policy, which must let the caller change it again
     * (kms:PutKeyPolicy) unless {@code bypassLockoutCheck}: AWS's lockout safety check, for
     * PutKeyPolicy and for CreateKey with a policy.
     */
    MasterKey withPolicy(MasterKey key, PolicyDocument document, boolean bypassLockoutCheck) throws InvalidKeyRequestException {
        MasterKey after = key.withAccess(key.access().withPolicy(document.json()), "given a key policy");
        if (!bypassLockoutCheck) {
            String principal = access.principal();
            if (!access.decide(principal, "kms:PutKeyPolicy", after, Map.of(),
                    RequestKeys.plus(RequestKeys.onKey(after), RequestKeys.bypass(false))).allowed()) {
                throw new InvalidKeyRequestException("the new key policy will not allow principal '" + principal
                        + "' to update the key policy in the future (AWS's lockout safety check); to put it anyway,"
                        + " bypass the check");
            }
        }
        return after;
    }

    /** A new key's first state, made from its id and the time of its creation. */
    @FunctionalInterface
    private interface NewKey {
        MasterKey build(UUID id, Instant now) throws KeyStoreException;
    }

    /**
     * The one path of every key's creation: checks the alias, description and tags, builds the
     * key, gives it the policy the request set (in the same change, so that no key is ever usable
     * under another), commits it and audits the outcome, success or refusal. {@code discard} runs when no
     * key was committed (a refusal, or a failure before the commit), never after.
     */
    private MasterKey create(AuditOperation op, String alias, String description, Map<String, String> tags,
                             NewKeyPolicy policy, NewKey build, Runnable discard) throws KeyStoreException {
        UUID id = UUID.randomUUID();
        return registry.atomically(() -> {
            boolean created = false;
            try {
                if (alias != null && registry.snapshot().byAlias().containsKey(alias)) {
                    throw AliasChanges.taken(alias); // which key it names is not for a caller who may only create keys
                }
                if (description.getBytes(StandardCharsets.UTF_8).length > MasterKeyCodec.MAX_DESCRIPTION_BYTES) {
                    throw new InvalidKeyRequestException("description is longer than " + MasterKeyCodec.MAX_DESCRIPTION_BYTES + " bytes");
                }
                KeyNames.checkTags(tags);
                MasterKey made = build.build(id, now());
                MasterKey key = registry.commit(policy == null ? made
                        : withPolicy(made, policy.document(), policy.bypassLockoutCheck()));
                created = true;
                audit.record(op, id, 1, alias, null, EncryptionContext.EMPTY);
                return key;
            } catch (TransitionArgumentInvalid e) {
                throw audited(op, id, alias, new InvalidKeyRequestException(e.getMessage(), e));
            } catch (IllegalArgumentException e) {
                throw audited(op, id, alias, new KeyStoreException(e.getMessage(), e));
            } catch (KeyStoreException e) {
                throw audited(op, id, alias, e);
            } finally {
                if (!created) {
                    discard.run();
                }
            }
        });
    }

    private static List<String> aliases(String alias) {
        return alias == null ? List.of() : List.of(alias);
    }

    private static RotationReason reasonFor(KeyOrigin origin) {
        return origin == KeyOrigin.IMPORTED ? RotationReason.IMPORTED : RotationReason.CREATED;
    }

    /** Schedules the destruction of a key's material {@code days} from now. */
    MasterKey scheduleDeletion(MasterKey key, int days) throws KeyStoreException {
        Instant when = now().plus(Duration.ofDays(days));
        return apply(AuditOperation.SCHEDULE_KEY_DELETION, key, null, k -> k.deletionScheduled(when));
    }

    /** Looks a key up and applies a transition to it. */
    MasterKey change(AuditOperation op, String keyRef, String alias, UnaryOperator<MasterKey> transition)
            throws KeyStoreException {
        return registry.atomically(() -> apply(op, find(keyRef, op), alias, transition));
    }

    /**
     * Applies a transition, commits it and audits the outcome: the one path of every change.
     * If another process changed the key in between (a lost compare-and-set), the registry reads
     * the key again and applies the transition to what is there now, so no writer's change is lost.
     */
    MasterKey apply(AuditOperation op, MasterKey key, String alias, UnaryOperator<MasterKey> transition)
            throws KeyStoreException {
        return registry.atomically(() -> {
            try {
                MasterKey next = registry.change(key, transition);
                audit.record(op, next.id(), next.current().number(), alias, null, EncryptionContext.EMPTY);
                return next;
            } catch (TransitionRefused e) {
                throw audited(op, key.id(), alias, new KeyStateException(e.getMessage(), e));
            } catch (TransitionArgumentInvalid e) {
                throw audited(op, key.id(), alias, new InvalidKeyRequestException(e.getMessage(), e));
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw audited(op, key.id(), alias, new KeyStoreException(e.getMessage(), e)); // a failure, not a rule
            } catch (KeyStoreException e) {
                throw audited(op, key.id(), alias, e);
            }
        });
    }

    /** Audits a request that succeeded without a change to {@code key}: a repeat that finds its effect in place. */
    void unchanged(AuditOperation op, MasterKey key, String alias) {
        audit.record(op, key.id(), key.current().number(), alias, null, EncryptionContext.EMPTY);
    }

    KeyVersion newVersion(MasterKey key, RotationReason reason, byte[] material) {
        int number = key.current().number() + 1;
        return material != null ? new KeyVersion(number, now(), KeyOrigin.IMPORTED, reason, material, 0)
                : generatedVersion(number, now(), reason);
    }

    public static KeyVersion generatedVersion(int number, Instant now, RotationReason reason) {
        byte[] material = new byte[32];
        KmsRandom.nextBytes(material);
        try {
            return new KeyVersion(number, now, KeyOrigin.GENERATED, reason, material, 0);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    <E extends KeyStoreException> E audited(AuditOperation op, UUID keyId, String alias, E error) {
        audit.record(op, keyId, 0, alias, error, EncryptionContext.EMPTY);
        return error;
    }

    // ---------------------------------------------------------------- lookups and checks

    /** The key a request names, not yet authorized (the caller decides how); not found is audited. */
    MasterKey lookup(String key, AuditOperation op) throws KeyStoreException {
        Optional<MasterKey> found = registry.lookup(key);
        if (found.isEmpty()) {
            throw audited(op, null, null, new KeyNotFoundException(key));
        }
        return found.get();
    }

    /** The key a request names, if the caller may perform {@code op} on it; refusals audited. */
    MasterKey find(String key, AuditOperation op) throws KeyStoreException {
        MasterKey found = lookup(key, op);
        authorize(op, found, null);
        return found;
    }

    /**
     * Refuses, audited, unless the policies or grants let the caller perform {@code op} on
     * {@code key} (null: on the store itself, which the store policy decides).
     */
    void authorize(AuditOperation op, MasterKey key, String alias) throws KeyAccessDeniedException {
        authorize(op, KeyAccess.action(op), key, alias, Map.of());
    }

    void authorize(AuditOperation op, String action, MasterKey key, String alias, Map<String, List<String>> otherKeys)
            throws KeyAccessDeniedException {
        if (access.unrestricted(key)) {
            return;
        }
        String principal = access.principal();
        KeyAccess.Decision decision = access.decide(principal, action, key, Map.of(),
                key == null ? otherKeys : RequestKeys.plus(RequestKeys.onKey(key), otherKeys));
        if (!decision.allowed()) {
            throw audited(op, key == null ? null : key.id(), alias,
                    new KeyAccessDeniedException(decision.denial(principal, action, key == null ? null : key.id())));
        }
    }


    private static final java.util.regex.Pattern KEY_ID_FORM =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    String normalize(String alias, AuditOperation op) throws KeyStoreException {
        try {
            return Aliases.normalize(alias);
        } catch (IllegalArgumentException e) {
            throw audited(op, null, alias, new InvalidKeyRequestException(e.getMessage(), e));
        }
    }

    /** An alias a customer may set: valid, and not under the provider's {@code kms/} prefix. */
    String customerAlias(String alias, AuditOperation op) throws KeyStoreException {
        String name = normalize(alias, op);
        if (name.startsWith(KeyNames.RESERVED_ALIAS_PREFIX)) {
            throw audited(op, null, name, new InvalidKeyRequestException("aliases under " + KeyNames.RESERVED_ALIAS_PREFIX
                    + " are reserved for provider-managed keys"));
        }
        if (KEY_ID_FORM.matcher(name).matches()) { // a lookup by this name finds the key of that id, never the alias
            throw audited(op, null, name, new InvalidKeyRequestException("an alias cannot have the form of a key id"));
        }
        return name;
    }



    MasterKey reread(UUID id) throws KeyStoreException {
        try {
            MasterKey k = registry.reread(id);
            if (k == null) {
                throw new KeyStoreException("key " + id + " was removed by another writer");
            }
            return k;
        } catch (IOException e) {
            throw new KeyStoreException("could not re-read key " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code k} rotated to a new version, unless another process rotated it since it was at
     * version {@code from}: then that rotation stands for this one too, so two processes rotating
     * at the same moment make one new version, and both see it.
     */
    MasterKey rotatedFrom(MasterKey k, int from, RotationReason reason) {
        return k.current().number() != from ? k : k.rotated(newVersion(k, reason, null));
    }
}
