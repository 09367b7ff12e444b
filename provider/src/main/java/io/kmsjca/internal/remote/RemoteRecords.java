package io.kmsjca.internal.remote;

import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyRotation;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.RotationReason;
import io.kmsjca.keys.VersionState;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * AWS KMS's answers as the provider's records: a KeyMetadata, a grant, a rotation. A value the
 * provider has no name for (a key spec, a grant operation) is a protocol failure; a key state it
 * does not have is read as the nearest one.
 */
final class RemoteRecords {

    private RemoteRecords() {
    }

    /**
     * AWS's KeyMetadata as the provider's. What AWS does not report (versions, the minimum
     * decryption version, rotation and tags, which take requests of their own) is 0 or empty.
     */
    static KeyMetadata metadata(String url, Fields m, UUID id, List<String> aliases) throws RemoteFailure {
        return new KeyMetadata(id, aliases, m.optionalString("Description"), keyState(m.string("KeyState")),
                "EXTERNAL".equals(m.optionalString("Origin")) ? KeyOrigin.IMPORTED : KeyOrigin.GENERATED,
                "AWS".equals(m.optionalString("KeyManager")) ? KeyManagerType.PROVIDER : KeyManagerType.CUSTOMER,
                keySpec(url, "DescribeKey", m), usage(url, m),
                m.date("CreationDate"), m.date("DeletionDate"),
                0, 0, 0, null, 0, Map.of(), expirationModel(m.optionalString("ExpirationModel")), m.date("ValidTo"));
    }

    /** The key spec a KeyMetadata names; a key that names none is a symmetric key, as in AWS. */
    static KeySpec keySpec(String url, String operation, Fields m) throws RemoteFailure {
        String name = m.optionalString("KeySpec");
        return name == null ? KeySpec.SYMMETRIC_DEFAULT : RemoteAnswers.named(url, operation, KeySpec.class, name);
    }

    private static KeyUsage usage(String url, Fields m) throws RemoteFailure {
        String name = m.optionalString("KeyUsage");
        return name == null ? KeyUsage.ENCRYPT_DECRYPT : RemoteAnswers.named(url, "DescribeKey", KeyUsage.class, name);
    }

    /** One grant of a ListGrants or ListRetirableGrants page. */
    static KeyGrant grant(String url, String operation, Fields g) throws RemoteFailure {
        Set<GrantOperation> operations = EnumSet.noneOf(GrantOperation.class);
        for (String name : g.strings("Operations")) {
            operations.add(RemoteAnswers.named(url, operation, GrantOperation.class, name));
        }
        Fields constraints = g.optionalObject("Constraints");
        String name = g.optionalString("Name");
        String issuer = g.optionalString("IssuingAccount");
        Instant created = g.date("CreationDate");
        return new KeyGrant(g.string("GrantId"), g.keyId("KeyId"), name == null ? "" : name,
                g.string("GranteePrincipal"), g.optionalString("RetiringPrincipal"), issuer == null ? "" : issuer,
                operations, constraints.stringMap("EncryptionContextEquals"),
                constraints.stringMap("EncryptionContextSubset"), created == null ? Instant.EPOCH : created);
    }

    /** One rotation of a ListKeyRotations answer, as version {@code version}: AWS numbers no versions. */
    static KeyRotation rotation(Fields rotation, int version) throws RemoteFailure {
        RotationReason reason = "ON_DEMAND".equals(rotation.optionalString("RotationType"))
                ? RotationReason.ON_DEMAND : RotationReason.SCHEDULED;
        return new KeyRotation(version, rotation.date("RotationDate"), reason, VersionState.ACTIVE, 0);
    }

    /** AWS's key states: those kms-jca has, and AWS's others as the nearest (a key that cannot be used). */
    private static KeyState keyState(String aws) {
        for (KeyState s : KeyState.values()) {
            if (s.displayName().equals(aws)) {
                return s;
            }
        }
        return KeyState.DISABLED; // PendingImport, Unavailable, Creating, ...: not usable, as Disabled
    }

    private static ExpirationModel expirationModel(String aws) {
        for (ExpirationModel e : ExpirationModel.values()) {
            if (e.name().equals(aws)) {
                return e;
            }
        }
        return null;
    }
}
