package io.kmsjca.cli;

import io.kmsjca.internal.service.KeyAccess;
import io.kmsjca.keys.GrantOperation;
import io.kmsjca.keys.KeyAlias;
import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyRotation;
import io.kmsjca.keys.KeyState;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The results of the commands, with the field names of the AWS CLI where one exists, and the
 * fields kms-jca adds (key versions, aliases) named in the same style. Absent values are left out.
 */
final class Shapes {

    static final String ALGORITHM = "SYMMETRIC_DEFAULT";

    private Shapes() {
    }

    /** An ordered result that leaves out null values, as the AWS CLI leaves out absent fields. */
    static final class Result extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;

        Result with(String name, Object value) {
            if (value != null) {
                put(name, value instanceof Instant i ? i.toString() : value);
            }
            return this;
        }
    }

    static Result result() {
        return new Result();
    }

    /**
     * KeyMetadata as AWS prints it: the algorithms of the key's spec and usage
     * (EncryptionAlgorithms, SigningAlgorithms or KeyAgreementAlgorithms), and kms-jca's version fields.
     */
    static Result keyMetadata(KeyMetadata m) {
        Result head = result().with("KeyId", m.keyId().toString())
                .with("CreationDate", m.creationDate())
                .with("Enabled", m.state() == KeyState.ENABLED)
                .with("Description", m.description())
                .with("KeyUsage", m.keyUsage().name())
                .with("KeyState", m.state().displayName())
                .with("DeletionDate", m.deletionDate())
                .with("Origin", m.origin() == KeyOrigin.IMPORTED ? "EXTERNAL" : "AWS_KMS")
                .with("KeyManager", m.manager() == KeyManagerType.CUSTOMER ? "CUSTOMER" : "AWS")
                .with("KeySpec", m.keySpec().name());
        return AsymmetricKeys.algorithms(head, m.keySpec(), m.keyUsage())
                .with("AliasNames", m.aliases().stream().map(Shapes::aliasName).toList())
                .with("CurrentKeyVersion", m.currentVersion())
                .with("KeyVersionCount", m.versionCount())
                .with("KeyRotationEnabled", m.rotationPeriodDays() > 0)
                .with("RotationPeriodInDays", m.rotationPeriodDays() > 0 ? m.rotationPeriodDays() : null)
                .with("NextRotationDate", m.nextRotationDate())
                .with("MinDecryptionVersion", m.minDecryptionVersion())
                .with("Tags", tags(m.tags()));
    }

    static List<Result> tags(Map<String, String> tags) {
        return new TreeMap<>(tags).entrySet().stream()
                .map(t -> result().with("TagKey", t.getKey()).with("TagValue", t.getValue())).toList();
    }

    static Result alias(KeyAlias a) {
        return result().with("AliasName", aliasName(a.alias())).with("TargetKeyId", a.keyId().toString());
    }

    static Result rotation(String keyId, KeyRotation r) {
        return result().with("KeyId", keyId)
                .with("KeyVersion", r.version())
                .with("RotationDate", r.date())
                .with("RotationType", switch (r.reason()) {
                    case SCHEDULED -> "AUTOMATIC";
                    default -> r.reason().name();
                })
                .with("VersionState", r.state().name())
                .with("WrapCount", r.wraps());
    }

    /**
     * A grant as AWS's {@code GrantListEntry}: the key by its ARN, the operations in AWS's order,
     * the constraints (left out when there are none); {@code IssuingPrincipal}, who created it, is
     * kms-jca's addition beside AWS's {@code IssuingAccount}.
     */
    static Result grant(KeyGrant g) {
        return result().with("KeyId", KeyAccess.arn(KeyAccess.REGION, KeyAccess.ACCOUNT, g.keyId()))
                .with("GrantId", g.grantId())
                .with("Name", g.name().isEmpty() ? null : g.name())
                .with("CreationDate", g.creationDate())
                .with("GranteePrincipal", g.granteePrincipal())
                .with("RetiringPrincipal", g.retiringPrincipal())
                .with("IssuingAccount", "arn:aws:iam::" + KeyAccess.ACCOUNT + ":root")
                .with("IssuingPrincipal", g.issuingPrincipal())
                .with("Operations", new TreeSet<>(g.operations()).stream().map(GrantOperation::name).toList())
                .with("Constraints", constraints(g));
    }

    private static Result constraints(KeyGrant g) {
        if (g.encryptionContextEquals().isEmpty() && g.encryptionContextSubset().isEmpty()) {
            return null;
        }
        return result()
                .with("EncryptionContextEquals", g.encryptionContextEquals().isEmpty() ? null : new TreeMap<>(g.encryptionContextEquals()))
                .with("EncryptionContextSubset", g.encryptionContextSubset().isEmpty() ? null : new TreeMap<>(g.encryptionContextSubset()));
    }

    /** Aliases print as the AWS CLI spells them: {@code alias/NAME}. */
    static String aliasName(String alias) {
        return "alias/" + alias;
    }
}
