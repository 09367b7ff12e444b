package io.kmsjca.provider;

import io.kmsjca.internal.remote.RemoteKeyService;
import io.kmsjca.internal.service.EmbeddedKeyService;
import io.kmsjca.provider.KmsKeyStores;
import io.kmsjca.provider.KmsLoadParameter;

import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyAccessDeniedException;
import io.kmsjca.keys.KeyAlias;
import io.kmsjca.internal.format.EncryptionContext;
import io.kmsjca.keys.KeyMetadata;
import io.kmsjca.keys.KeyService;
import io.kmsjca.provider.KeyStoreAccess;
import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.StorePasswordRequiredException;
import io.kmsjca.spi.audit.AuditOperation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PrivateKey;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.KeyStoreSpi;
import java.security.ProviderException;
import java.security.UnrecoverableEntryException;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * {@code KeyStore "KMS"}: the JCA view of an {@link EmbeddedKeyService}. Entries are named by alias:
 * a symmetric key is a secret-key entry, whose {@code getKey} is a {@link KmsKeyHandle}; an
 * asymmetric key is a private-key entry, whose {@code getKey} is a {@link KmsPrivateKeyHandle} and
 * whose certificate chain is stored beside it (docs/keystore-api.md). Never material. Per-entry
 * passwords are accepted and ignored: every key is sealed under the store's root key.
 * What this instance may do is decided when it is loaded ({@link KeyStoreAccess}): exporting,
 * importing and deleting need a store loaded with its password. This class only adapts; the
 * rules live in the key service.
 */
final class KmsKeyStoreSpi extends KeyStoreSpi {

    private static final byte[] IMAGE_MAGIC = "KMSJCAKS".getBytes(StandardCharsets.US_ASCII);

    private final ConfiguredStore provider;
    private KeyStoreAccess access;
    private boolean live;

    public KmsKeyStoreSpi(ConfiguredStore provider) {
        this.provider = provider;
    }

    // ---------------------------------------------------------------- load and store

    /**
     * With a stream: reads a store image. Without one: opens the store the provider's
     * configuration names, or else starts a new, empty store in memory.
     */
    @Override
    public void engineLoad(InputStream stream, char[] password) throws IOException {
        if (stream != null) {
            use(KeyStoreAccess.administrator(KeyStores.read(stream, password, provider.config().options())), false);
            return;
        }
        Optional<KeyStoreAccess> configured = provider.configuredStore(password);
        if (configured.isPresent()) {
            use(configured.get(), true);
        } else {
            use(KeyStoreAccess.administrator(KeyStores.newInMemory(provider.config().options())), false);
        }
    }

    /**
     * A {@link KmsLoadParameter}: its live file, or its view of a key service. Any other
     * parameter with a {@code PasswordProtection} (what {@code KeyStore.Builder.newInstance("KMS",
     * provider, protection)} passes) loads as {@code load(null, password)} does: the live store
     * the provider's configuration names, or else a new, empty store in memory.
     */
    @Override
    public void engineLoad(KeyStore.LoadStoreParameter param) throws IOException {
        if (param == null) {
            engineLoad(null, null);
        } else if (param instanceof KmsLoadParameter kms && kms.service() instanceof RemoteKeyService server) {
            use(KeyStoreAccess.server(server), true);
        } else if (param instanceof KmsLoadParameter kms && kms.service() != null) {
            EmbeddedKeyService service = EmbeddedKeyService.of(kms.service());
            use(kms.manages() ? KeyStoreAccess.administrator(service)
                    : KeyStoreAccess.keysOnly(service, "as a view of a KeyService (KmsLoadParameter.of)"), true);
        } else if (param instanceof KmsLoadParameter kms) {
            char[] password = ((KeyStore.PasswordProtection) kms.getProtectionParameter()).getPassword();
            use(KeyStoreAccess.administrator(KeyStores.openFile(kms.path(), password, provider.config().options())), true);
        } else if (param.getProtectionParameter() instanceof KeyStore.PasswordProtection protection) {
            // KeyStore.Builder.newInstance("KMS", provider, protection): the configured live store
            engineLoad(null, protection.getPassword());
        } else {
            throw new IllegalArgumentException("KMS key stores load from a KmsLoadParameter, or from a "
                    + "LoadStoreParameter with a PasswordProtection (the configured store), not "
                    + param.getClass().getName());
        }
    }

    /**
     * Writes the whole store as one authenticated image, its root key wrapped under
     * {@code password}: the same password or a new one ({@code keytool -storepasswd}). Only a
     * store loaded with its password may do this; otherwise an {@code IOException} whose cause
     * is a {@link StorePasswordRequiredException}.
     */
    @Override
    public void engineStore(OutputStream stream, char[] password) throws IOException {
        if (stream == null && live) {
            confirmDurable(password);
            return;
        }
        if (password == null) {
            throw new IOException("a KMS key store is always written with a password");
        }
        KeyService service;
        try {
            service = access.administer(AuditOperation.STORE_KEY_STORE, null);
        } catch (KeyStoreException e) {
            throw new IOException(e.getMessage(), e); // store() declares no KeyStoreException for this
        }
        KeyStores.write(EmbeddedKeyService.of(service), stream, password);
    }

    /**
     * {@code store(null, password)} of a live store, as {@code keytool -keystore NONE} ends: the
     * store is durable already, so nothing is written. A password that is not the store's is
     * refused rather than ignored, since keytool would report {@code -storepasswd} as done; the
     * refusal is audited, so this is no silent way to guess the password.
     */
    private void confirmDurable(char[] password) throws IOException {
        if (access.embedded().isEmpty()) {
            return; // a server's store: nothing is kept here, and it has no password
        }
        EmbeddedKeyService keys = access.embedded().get();
        if (password != null && !keys.verifyPassword(password)) {
            var refused = new IOException("a live KMS key store writes nothing on store(null, password), and this "
                    + "password is not its password: change the password with KmsAdmin.changePassword",
                    new UnrecoverableKeyException("key store password was incorrect"));
            keys.auditRecorder().record(AuditOperation.STORE_KEY_STORE, null, 0, null, refused, EncryptionContext.EMPTY);
            throw refused;
        }
    }

    /** A live store is already durable; an in-memory one is written with {@code store(OutputStream, char[])}. */
    @Override
    public void engineStore(KeyStore.LoadStoreParameter param) throws IOException {
        if (!live) {
            throw new UnsupportedOperationException("this KMS key store lives in memory: write it with "
                    + "store(OutputStream, char[])");
        }
    }

    /**
     * Recognizes a KMS store image (its magic, docs/FORMAT.md), so {@code KeyStore.getInstance(File,
     * char[])} finds this type. The JDK then loads the file through a stream, so what it returns
     * is an image read into memory, as {@code load(InputStream, char[])} makes: the provider never
     * learns the file's path (docs/keytool.md, "KeyStore.getInstance(File)").
     */
    @Override
    public boolean engineProbe(InputStream stream) throws IOException {
        return Arrays.equals(stream.readNBytes(IMAGE_MAGIC.length), IMAGE_MAGIC);
    }

    private void use(KeyStoreAccess next, boolean isLive) {
        this.access = next;
        this.live = isLive;
    }

    /** The key service, for what any loaded store may do: use its keys. */
    private KeyService keys() {
        return access.keys();
    }

    // ---------------------------------------------------------------- entries

    /** The private-key handle of an asymmetric key, else the handle of a symmetric key, else null. */
    @Override
    public Key engineGetKey(String alias, char[] password) {
        if (!isAlias(alias)) {
            return null;
        }
        Optional<KmsPrivateKeyHandle> pair = findPair(alias);
        return pair.isPresent() ? pair.get() : keys().findKey(alias).orElse(null);
    }

    /** A key's entry; or, under {@link KmsKeyStores#MANAGEMENT_ENTRY} and the store password, the key service. */
    @Override
    public KeyStore.Entry engineGetEntry(String alias, KeyStore.ProtectionParameter protParam)
            throws UnrecoverableEntryException {
        if (KmsKeyStores.MANAGEMENT_ENTRY.equals(alias)) {
            char[] password = protParam instanceof KeyStore.PasswordProtection p ? p.getPassword() : null;
            return new KmsKeyStores.ManagementEntry(access.management(password));
        }
        if (!isAlias(alias)) {
            return null;
        }
        Optional<KmsPrivateKeyHandle> pair = findPair(alias);
        if (pair.isPresent()) {
            Certificate[] chain = chainOf(alias);
            if (chain == null) {
                throw new UnrecoverableEntryException(pair.get() + " has no certificate chain yet, and a PrivateKeyEntry "
                        + "needs one: getKey returns the handle; add a chain with setKeyEntry(alias, handle, null, chain)");
            }
            return new KeyStore.PrivateKeyEntry(pair.get(), chain);
        }
        return keys().findKey(alias).map(KeyStore.SecretKeyEntry::new).orElse(null);
    }

    /**
     * Imports AES-256 material: a new master key under a new alias, or a new version of the key
     * an existing alias names (older versions are kept, never overwritten). A private key goes to
     * {@link #setPrivateKeyEntry}. Needs a store loaded
     * with its password ({@link StorePasswordRequiredException} otherwise). Anything else (an HMAC
     * or AES-128 key, a symmetric KMS handle, a secret key with a chain) is refused with a
     * {@code KeyStoreException} naming what it was, and the refusal is audited FAILED, so
     * {@code keytool -importkeystore} prints one refusal per entry and imports the rest.
     */
    @Override
    public void engineSetKeyEntry(String alias, Key key, char[] password, Certificate[] chain)
            throws KeyStoreException {
        if (key instanceof PrivateKey privateKey) {
            setPrivateKeyEntry(alias, privateKey, chain);
            return;
        }
        KeyService service = access.administer(AuditOperation.IMPORT_KEY_MATERIAL, alias);
        String refusal = ImportRefusal.of(key, chain);
        if (refusal != null) {
            throw refused(service, alias, refusal);
        }
        byte[] material = key.getEncoded();
        if (material == null) {
            throw refused(service, alias, "key is not extractable (getEncoded() is null), so it cannot be imported");
        }
        try {
            service.importKeyMaterial(alias, material);
        } finally {
            Arrays.fill(material, (byte) 0);
        }
    }

    /**
     * A private key with its certificate chain (leaf first), by what the key is:
     * <ul>
     *   <li>this store's handle of the key {@code alias} names: its chain is replaced (a CA reply,
     *       {@code keytool -importcert}; KMS's certificate chain, audited SET_CERTIFICATE_CHAIN);</li>
     *   <li>a {@link PendingPrivateKey} ({@code KeyPairGenerator} of this provider,
     *       {@code keytool -genkeypair -providername KMS}): stored as a new key pair, then destroyed;</li>
     *   <li>a private key of the JDK or another provider (a PKCS#12 store migrated with
     *       {@code keytool -importkeystore}): imported as a new SIGN_VERIFY key pair; the caller's
     *       object is left as it was (docs/decisions.md, "Private keys come into a KMS key store to sign").</li>
     * </ul>
     * Each needs a store loaded with its password. The key service checks that the chain's first
     * certificate carries the key's public key.
     */
    private void setPrivateKeyEntry(String alias, PrivateKey key, Certificate[] chain) throws KeyStoreException {
        boolean ownHandle = key instanceof KmsPrivateKeyHandle && !(key instanceof PendingPrivateKey);
        KeyService service = access.administer(ownHandle ? AuditOperation.SET_CERTIFICATE_CHAIN
                : AuditOperation.IMPORT_KEY_MATERIAL, alias);
        List<X509Certificate> certificates = x509(service, alias, chain);
        if (ownHandle) {
            KmsPrivateKeyHandle handle = (KmsPrivateKeyHandle) key;
            Optional<KmsPrivateKeyHandle> named = privateKey(alias);
            if (named.isEmpty() || !named.get().keyId().equals(handle.keyId())) {
                throw refused(service, alias, "key is a KMS private-key handle (" + handle + "); its key cannot be copied, "
                        + "and setKeyEntry takes it only under its own alias, to replace its certificate chain");
            }
            service.setCertificateChain(alias, certificates);
        } else if (key instanceof PendingPrivateKey pending) {
            PrivateKey generated;
            try {
                generated = pending.claimToStore(); // one store at a time: the pair becomes one store's key
            } catch (java.security.InvalidKeyException e) {
                throw refused(service, alias, e.getMessage());
            }
            boolean stored = false;
            try {
                service.importKeyPair(alias, pending.keyUsage(), generated, certificates);
                stored = true;
            } finally {
                if (stored) {
                    pending.stored();
                } else {
                    pending.release();
                }
            }
        } else {
            byte[] encoded = key.getEncoded(); // a copy: only asked whether it exists
            if (encoded == null) {
                throw refused(service, alias, "private key is not extractable (getEncoded() is null), so it cannot be imported");
            }
            Arrays.fill(encoded, (byte) 0);
            service.importKeyPair(alias, KeyUsage.SIGN_VERIFY, key, certificates);
        }
    }

    /** The chain as X.509 certificates (what the key service keeps), or the refusal. */
    private static List<X509Certificate> x509(KeyService service, String alias, Certificate[] chain) throws KeyStoreException {
        if (chain == null) {
            return List.of();
        }
        List<X509Certificate> certificates = new ArrayList<>(chain.length);
        for (Certificate c : chain) {
            if (!(c instanceof X509Certificate x509)) {
                throw refused(service, alias, "a KMS key store keeps X.509 certificate chains only, not "
                        + (c == null ? "null" : c.getType()));
            }
            certificates.add(x509);
        }
        return certificates;
    }

    @Override
    public void engineSetKeyEntry(String alias, byte[] key, Certificate[] chain) throws KeyStoreException {
        throw refused(access.administer(AuditOperation.IMPORT_KEY_MATERIAL, alias), alias,
                "a KMS key store cannot import protected key bytes; import a SecretKey with setKeyEntry(alias, key, password, chain)");
    }

    @Override
    public void engineSetEntry(String alias, KeyStore.Entry entry, KeyStore.ProtectionParameter protParam)
            throws KeyStoreException {
        if (entry instanceof KeyStore.PrivateKeyEntry pair) {
            setPrivateKeyEntry(alias, pair.getPrivateKey(), pair.getCertificateChain());
            return;
        }
        if (!(entry instanceof KeyStore.SecretKeyEntry secret)) {
            throw refused(access.administer(AuditOperation.IMPORT_KEY_MATERIAL, alias), alias,
                    ImportRefusal.ofEntry(entry));
        }
        engineSetKeyEntry(alias, secret.getSecretKey(), null, null);
    }

    /** An import refused for what was offered, audited FAILED as the key service audits a bad argument. */
    private static KeyStoreException refused(KeyService service, String alias, String why) {
        var refusal = new InvalidKeyRequestException(why);
        EmbeddedKeyService.of(service).auditRecorder().record(AuditOperation.IMPORT_KEY_MATERIAL, null, 0, alias, refusal, EncryptionContext.EMPTY);
        return refusal;
    }

    /** Refused: a KMS key store holds keys, not trusted certificates (docs/decisions.md). */
    @Override
    public void engineSetCertificateEntry(String alias, Certificate cert) throws KeyStoreException {
        throw refused(access.administer(AuditOperation.IMPORT_KEY_MATERIAL, alias), alias,
                ImportRefusal.TRUSTED_CERTIFICATES);
    }

    /**
     * Removes the alias. A key left with no alias is scheduled for deletion after the
     * configured waiting period (30 days by default), not destroyed. Needs a store loaded with
     * its password ({@link StorePasswordRequiredException} otherwise), even for an absent alias.
     */
    @Override
    public void engineDeleteEntry(String alias) throws KeyStoreException {
        KeyService service = access.administer(AuditOperation.DELETE_ALIAS, alias);
        if (isAlias(alias)) {
            service.deleteAlias(alias);
        }
    }

    @Override
    public Enumeration<String> engineAliases() {
        return Collections.enumeration(visibleAliases().stream().map(KeyAlias::alias).toList());
    }

    /**
     * The aliases the caller may list: none when the store policy refuses it {@code kms:ListAliases}
     * (audited). Any other failure (a kms-jca server that cannot be reached) is thrown, naming it:
     * an empty list would say the store has no keys.
     */
    private List<KeyAlias> visibleAliases() {
        try {
            return keys().listAliases();
        } catch (KeyAccessDeniedException refused) {
            return List.of();
        } catch (KeyStoreException e) {
            throw new ProviderException(e.getMessage(), e);
        }
    }

    @Override
    public boolean engineContainsAlias(String alias) {
        return isAlias(alias);
    }

    @Override
    public int engineSize() {
        return visibleAliases().size();
    }

    @Override
    public boolean engineIsKeyEntry(String alias) {
        return isAlias(alias);
    }

    @Override
    public boolean engineIsCertificateEntry(String alias) {
        return false;
    }

    @Override
    public boolean engineEntryInstanceOf(String alias, Class<? extends KeyStore.Entry> entryClass) {
        if (!isAlias(alias)) {
            return false;
        }
        return entryClass.isAssignableFrom(findPair(alias).isPresent() ? KeyStore.PrivateKeyEntry.class
                : KeyStore.SecretKeyEntry.class);
    }

    @Override
    public Date engineGetCreationDate(String alias) {
        return handle(alias).map(h -> metadata(h).creationDate()).map(Date::from).orElse(null);
    }

    /** The certificate chain of an asymmetric key (leaf first); null for a symmetric key or a key pair with none. */
    @Override
    public Certificate[] engineGetCertificateChain(String alias) {
        return privateKey(alias).isPresent() ? chainOf(alias) : null;
    }

    /** The chain stored with the key pair {@code alias} names, or null if it has none. */
    private Certificate[] chainOf(String alias) {
        List<X509Certificate> chain;
        try {
            chain = keys().certificateChain(alias);
        } catch (KeyStoreException e) {
            throw new ProviderException(e.getMessage(), e);
        }
        return chain.isEmpty() ? null : chain.toArray(new Certificate[0]);
    }

    /** The leaf certificate of an asymmetric key's chain, or null. */
    @Override
    public Certificate engineGetCertificate(String alias) {
        Certificate[] chain = engineGetCertificateChain(alias);
        return chain == null ? null : chain[0];
    }

    /** The alias of the private-key entry whose leaf certificate is {@code cert}, or null (no trusted-certificate entries). */
    @Override
    public String engineGetCertificateAlias(Certificate cert) {
        if (cert == null) {
            return null;
        }
        for (KeyAlias alias : visibleAliases()) {
            if (cert.equals(engineGetCertificate(alias.alias()))) {
                return alias.alias();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- helpers

    /** Entries are named by alias only, so {@code aliases()} and {@code containsAlias} agree. */
    private Optional<KmsKeyHandle> handle(String alias) {
        return isAlias(alias) ? keys().findKey(alias) : Optional.empty();
    }

    /** The private-key handle of the asymmetric key {@code alias} names, if it names one. */
    private Optional<KmsPrivateKeyHandle> privateKey(String alias) {
        return isAlias(alias) ? findPair(alias) : Optional.empty();
    }

    /** {@link #privateKey} of an alias known to exist: one lookup fewer, which for a server's store is a request. */
    private Optional<KmsPrivateKeyHandle> findPair(String alias) {
        try {
            return keys().findPrivateKey(alias);
        } catch (UnsupportedOperationException noKeyPairs) {
            return Optional.empty(); // a key service without key pairs: its entries are secret keys
        }
    }

    private boolean isAlias(String alias) {
        return keys().hasAlias(alias);
    }

    private KeyMetadata metadata(KmsKeyHandle h) {
        try {
            return keys().describeKey(h.keyId().toString());
        } catch (KeyStoreException e) {
            throw new IllegalStateException(e);
        }
    }
}
