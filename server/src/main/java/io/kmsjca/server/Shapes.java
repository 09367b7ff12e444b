package io.kmsjca.server;

import io.kmsjca.keys.KeyGrant;
import io.kmsjca.keys.KeyManagerType;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** AWS KMS's response structures (KeyMetadata, GrantListEntry, Tag) built from the key service's values. */
final class Shapes {

    /** The one encryption algorithm of a SYMMETRIC_DEFAULT key. */
    static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";

    private Shapes() {
    }

    /** An ordered map of name/value pairs; null values are left out of the response. */
    static Map<String, Object> map(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    static Map<String, Object> keyMetadata(KeyMetadata m, KeyIds ids, String account) {
        return map(
                "AWSAccountId", account,
                "KeyId", m.keyId().toString(),
                "Arn", ids.keyArn(m.keyId()),
                "CreationDate", m.creationDate(),
                "Enabled", m.state() == KeyState.ENABLED,
                "Description", m.description(),
                "KeyUsage", m.keyUsage().name(),
                "KeyState", m.state().displayName(),
                "DeletionDate", m.state() == KeyState.PENDING_DELETION ? m.deletionDate() : null,
                "Origin", m.origin() == KeyOrigin.IMPORTED ? "EXTERNAL" : "AWS_KMS",
                "KeyManager", m.manager() == KeyManagerType.CUSTOMER ? "CUSTOMER" : "AWS",
                "CustomerMasterKeySpec", m.keySpec().name(),
                "KeySpec", m.keySpec().name(),
                "EncryptionAlgorithms", names(m.encryptionAlgorithms()),
                "SigningAlgorithms", names(m.signingAlgorithms()),
                "KeyAgreementAlgorithms", names(m.keyAgreementAlgorithms()),
                "MacAlgorithms", names(m.macAlgorithms()),
                "MultiRegion", false);
    }

    /** AWS's names of a key's algorithms; null (left out, as AWS leaves the member out) when there are none. */
    static List<String> names(List<? extends Enum<?>> algorithms) {
        return algorithms.isEmpty() ? null : algorithms.stream().map(Enum::name).toList();
    }

    static Map<String, Object> grant(KeyGrant g, KeyIds ids) {
        Map<String, Object> constraints = null;
        if (!g.encryptionContextEquals().isEmpty() || !g.encryptionContextSubset().isEmpty()) {
            constraints = map(
                    "EncryptionContextEquals", g.encryptionContextEquals().isEmpty() ? null : g.encryptionContextEquals(),
                    "EncryptionContextSubset", g.encryptionContextSubset().isEmpty() ? null : g.encryptionContextSubset());
        }
        return map(
                "KeyId", ids.keyArn(g.keyId()),
                "GrantId", g.grantId(),
                "Name", g.name().isEmpty() ? null : g.name(),
                "CreationDate", g.creationDate(),
                "GranteePrincipal", g.granteePrincipal(),
                "RetiringPrincipal", g.retiringPrincipal(),
                "IssuingAccount", g.issuingPrincipal(),
                "Operations", g.operations().stream().map(Enum::name).sorted().toList(),
                "Constraints", constraints);
    }

    static List<Map<String, Object>> tags(Map<String, String> tags) {
        return tags.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(t -> map("TagKey", t.getKey(), "TagValue", t.getValue())).toList();
    }
}
