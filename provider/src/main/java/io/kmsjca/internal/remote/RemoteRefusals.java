package io.kmsjca.internal.remote;

import io.kmsjca.audit.AuditDelivery;
import io.kmsjca.audit.AuditLogVerifier;
import io.kmsjca.audit.AuditVerificationKey;
import io.kmsjca.keys.AccessKeyInfo;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MaintenanceReport;
import io.kmsjca.keys.ReEncryptResult;
import io.kmsjca.spi.audit.AuditListener;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStoreException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link KeyService} methods a kms-jca server's key store refuses, in one place: what the AWS
 * KMS API has no operation for (importing raw material or a key pair, provider-managed keys, the
 * audit log, maintenance, the store policy, credentials, access keys, version limits) throws a
 * {@link KeyStoreException} (or {@link UnsupportedOperationException} where none is declared)
 * naming the server and where to do it instead. {@link RemoteKeyService} adds every operation the
 * API has.
 */
abstract class RemoteRefusals implements KeyService {

    private final String url;
    private final String accessKeyId;

    RemoteRefusals(String url, String accessKeyId) {
        this.url = url;
        this.accessKeyId = accessKeyId;
    }

    @Override
    public List<ReEncryptResult> reEncrypt(List<byte[]> blobs, Map<String, String> sourceContext, String destinationKey,
                                           Map<String, String> destinationContext) {
        throw notRemote("batch ReEncrypt (call reEncrypt for each blob)");
    }

    @Override
    public KmsKeyHandle importKeyMaterial(String alias, byte[] material) throws KeyStoreException {
        throw notAvailable("importing key material");
    }

    @Override
    public KmsKeyHandle managedKey(String serviceName) throws KeyStoreException {
        throw notAvailable("provider-managed keys");
    }

    @Override
    public AuditLogVerifier auditLogVerifier() {
        throw notRemote("the audit log (the server keeps it)");
    }

    @Override
    public AuditVerificationKey auditLogVerificationKey() {
        throw notRemote("the audit log (the server keeps it)");
    }

    @Override
    public boolean retireAuditLog(Path log, String host) throws IOException {
        throw new IOException(notRemote("the audit log (the server keeps it)").getMessage());
    }

    @Override
    public boolean retireAuditLog(Path log) throws IOException {
        throw new IOException(notRemote("the audit log (the server keeps it)").getMessage());
    }

    @Override
    public void setMinDecryptionVersion(String key, int version) throws KeyStoreException {
        throw notAvailable("a minimum decryption version");
    }

    @Override
    public void revokeKeyVersion(String key, int version) throws KeyStoreException {
        throw notAvailable("revoking a key version");
    }

    @Override
    public Optional<String> getStorePolicy() throws KeyStoreException {
        throw notAvailable("the store policy");
    }

    @Override
    public void putStorePolicy(String policy, boolean bypassPolicyLockoutSafetyCheck) throws KeyStoreException {
        throw notAvailable("the store policy");
    }

    @Override
    public MaintenanceReport runMaintenance() {
        throw notRemote("maintenance (the server runs it)");
    }

    @Override
    public AuditDelivery audit() {
        throw notRemote("audit listeners (the server audits every request)");
    }

    @Override
    public void addAuditListener(AuditListener listener) {
        throw notRemote("audit listeners (the server audits every request)");
    }

    @Override
    public CreatedCredential createCredential(CredentialRequest request) throws KeyStoreException {
        throw notAvailable("credentials");
    }

    @Override
    public List<CredentialInfo> listCredentials() throws KeyStoreException {
        throw notAvailable("credentials");
    }

    @Override
    public void deleteCredential(String principal) throws KeyStoreException {
        throw notAvailable("credentials");
    }

    @Override
    public CredentialInfo credential() {
        throw notRemote("credentials (this client signs with access key " + accessKeyId + ")");
    }

    @Override
    public CreatedAccessKey createAccessKey(String principal, boolean administrator) throws KeyStoreException {
        throw notAvailable("access keys (kms create-access-key on the server's store)");
    }

    @Override
    public List<AccessKeyInfo> listAccessKeys() throws KeyStoreException {
        throw notAvailable("access keys");
    }

    @Override
    public void deleteAccessKey(String accessKeyId) throws KeyStoreException {
        throw notAvailable("access keys");
    }

    @Override
    public Optional<AccessKeySigner> accessKey(String accessKeyId) throws KeyStoreException {
        throw notAvailable("access keys");
    }

    /** Not over the AWS API: its ImportKeyMaterial for key pairs needs a wrapping exchange kms-jca does not serve. */
    @Override
    public KmsPrivateKeyHandle importKeyPair(String alias, KeyUsage usage, java.security.PrivateKey privateKey,
                                             List<java.security.cert.X509Certificate> chain) throws KeyStoreException {
        throw notAvailable("importing a key pair");
    }

    final KeyStoreException notAvailable(String what) {
        return new KeyStoreException(what + " is not available remotely: the AWS KMS API of kms-jca server "
                + url + " has no operation for it; do it on the server's store (kms CLI, KmsAdmin)");
    }

    final UnsupportedOperationException notRemote(String what) {
        return new UnsupportedOperationException(what + " is not available remotely (kms-jca server " + url + ")");
    }
}
