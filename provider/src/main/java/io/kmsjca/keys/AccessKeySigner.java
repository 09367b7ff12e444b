package io.kmsjca.keys;

import io.kmsjca.audit.KmsAuditContext;

/**
 * What a server needs to authenticate a request signed with one of the store's access keys
 * (AWS Signature Version 4) and to make it as that key's principal, without ever holding the
 * secret: {@link KeyService#accessKey(String)} returns it to a store opened with a credential
 * that acts for others (docs/server.md).
 */
public interface AccessKeySigner {

    AccessKeyInfo info();

    /**
     * The SigV4 signature of {@code stringToSign}: HMAC-SHA256 under the signing key of
     * {@code date} ({@code yyyyMMdd}), {@code region} and {@code service}. The caller compares it
     * with the request's in constant time.
     */
    byte[] signature(String date, String region, String service, byte[] stringToSign);

    /**
     * Makes the requests through this key service on this thread, until the scope closes, as this
     * access key's principal, decided as an administrator's or not as the key says, and audited with
     * {@code source} (the caller's address) as the principal's source.
     *
     * @throws KeyAccessDeniedException the access key was deleted since it was looked up
     */
    KmsAuditContext.Scope actAs(String source) throws KeyAccessDeniedException;
}
