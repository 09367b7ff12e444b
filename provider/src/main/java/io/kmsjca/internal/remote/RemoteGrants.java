package io.kmsjca.internal.remote;

import io.kmsjca.keys.GrantRequest;
import io.kmsjca.keys.KeyGrant;

import java.security.KeyStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static io.kmsjca.internal.remote.KeyReferences.keyRef;

/**
 * The grants of a kms-jca server's keys, for {@link RemoteKeyService}: CreateGrant, ListGrants,
 * ListRetirableGrants, RetireGrant and RevokeGrant, one signed request each (a listing, one per
 * page), decided and audited by the server.
 */
final class RemoteGrants {

    private final KmsHttpClient client;

    RemoteGrants(KmsHttpClient client) {
        this.client = client;
    }

    /** KMS CreateGrant, then ListGrants for the grant it made (AWS returns only its id and token). */
    KeyGrant create(String key, GrantRequest request) throws KeyStoreException {
        String grantId;
        try {
            grantId = client.manage("CreateGrant", new JsonBody().string("KeyId", keyRef(key))
                    .string("GranteePrincipal", request.granteePrincipal())
                    .strings("Operations", request.operations().stream().map(Enum::name).sorted().toList())
                    .string("RetiringPrincipal", request.retiringPrincipal())
                    .string("Name", request.name().isEmpty() ? null : request.name())
                    .constraints("Constraints", request.encryptionContextEquals(), request.encryptionContextSubset()),
                    "kms:CreateGrant", key).string("GrantId");
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, "kms:CreateGrant", key);
        }
        return all("ListGrants", () -> new JsonBody().string("KeyId", keyRef(key)).string("GrantId", grantId),
                "kms:ListGrants", key)
                .stream().filter(g -> g.grantId().equals(grantId)).findFirst()
                .orElseThrow(() -> new KeyStoreException("kms-jca server " + client.url() + " made grant " + grantId
                        + " and does not list it"));
    }

    List<KeyGrant> list(String key) throws KeyStoreException {
        return all("ListGrants", () -> new JsonBody().string("KeyId", keyRef(key)), "kms:ListGrants", key);
    }

    List<KeyGrant> retirable(String retiringPrincipal) throws KeyStoreException {
        return all("ListRetirableGrants", () -> new JsonBody().string("RetiringPrincipal", retiringPrincipal),
                "kms:ListRetirableGrants", null);
    }

    void retire(String key, String grantId) throws KeyStoreException {
        client.manage("RetireGrant", new JsonBody().string("KeyId", keyRef(key)).string("GrantId", grantId),
                "kms:RetireGrant", key);
    }

    void revoke(String key, String grantId) throws KeyStoreException {
        client.manage("RevokeGrant", new JsonBody().string("KeyId", keyRef(key)).string("GrantId", grantId),
                "kms:RevokeGrant", key);
    }

    /** Every page of a grant listing: {@code request} makes each page's body, paging members added here. */
    private List<KeyGrant> all(String operation, Supplier<JsonBody> request, String action, String key)
            throws KeyStoreException {
        List<KeyGrant> all = new ArrayList<>();
        try {
            RemotePages.readAll(client.url(), operation,
                    marker -> client.fields(operation, request.get().number("Limit", RemotePages.PAGE).string("Marker", marker)),
                    page -> {
                        for (Fields g : page.objects("Grants")) {
                            all.add(RemoteRecords.grant(client.url(), operation, g));
                        }
                    });
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, action, key);
        }
        return all;
    }
}
