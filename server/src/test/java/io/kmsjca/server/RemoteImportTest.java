package io.kmsjca.server;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.ExpirationModel;
import io.kmsjca.keys.ImportParameters;
import io.kmsjca.keys.ImportRefusedException;
import io.kmsjca.keys.KeyOrigin;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyState;
import io.kmsjca.keys.WrappingAlgorithm;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The remote key service's import methods against a kms-jca server: the same results and refusals as embedded. */
class RemoteImportTest {

    @TempDir
    Path dir;
    ServerFixture fixture;
    KeyService remote;

    @BeforeEach
    void start() throws Exception {
        fixture = new ServerFixture(dir);
        try (KeyService store = KmsAdmin.open(fixture.file, ServerFixture.ADMIN_PASSWORD, fixture.options())) {
            store.putStorePolicy(RemoteProviderTest.STORE_POLICY, false);
        }
        fixture.start();
        ServerFixture.AccessKey key = fixture.alice;
        Path secret = Files.writeString(dir.resolve("alice.secret"), key.secret() + "\n");
        if (Files.getFileAttributeView(secret, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        Path conf = Files.writeString(dir.resolve("alice.conf"), "store.url=" + fixture.server.endpoint() + "\naccess-key-id="
                + key.id() + "\nsecret-access-key-file=" + secret.getFileName() + "\nregion=" + ServerFixture.REGION
                + "\nretry-base-delay-ms=1\n");
        Provider p = new KmsProvider().configure(conf.toString());
        KeyStore ks = KeyStore.getInstance("KMS", p);
        ks.load(null, null);
        remote = KmsAdmin.open(ks, "ignored".toCharArray());
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private static byte[] oaep(ImportParameters p, byte[] material) throws Exception {
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.ENCRYPT_MODE, KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(p.publicKey())),
                new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        return c.doFinal(material);
    }

    @Test
    void importDeleteAndRefusals_overTheWire() throws Exception {
        String id = remote.createKey(CreateKeyRequest.withAlias("byok").origin(KeyOrigin.IMPORTED)).keyId().toString();
        assertEquals(KeyState.PENDING_IMPORT, remote.describeKey(id).state());
        byte[] material = new byte[32];
        new SecureRandom().nextBytes(material);
        ImportParameters p = remote.getParametersForImport(id, WrappingAlgorithm.RSAES_OAEP_SHA_256, KeySpec.RSA_2048);
        assertEquals(id, p.keyId().toString());
        byte[] altered = p.importToken().clone();
        altered[20] ^= 1;
        var refused = assertThrows(ImportRefusedException.class, () -> remote.importKeyMaterial(id, altered,
                oaep(p, material), ExpirationModel.KEY_MATERIAL_DOES_NOT_EXPIRE, null));
        assertEquals(ImportRefusedException.Reason.INVALID_IMPORT_TOKEN, refused.reason());
        Instant validTo = Instant.now().plus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        remote.importKeyMaterial(id, p.importToken(), oaep(p, material), ExpirationModel.KEY_MATERIAL_EXPIRES, validTo);
        var m = remote.describeKey(id);
        assertEquals(KeyState.ENABLED, m.state());
        assertEquals(ExpirationModel.KEY_MATERIAL_EXPIRES, m.expirationModel());
        assertEquals(validTo, m.validTo());
        remote.deleteImportedKeyMaterial(id);
        assertEquals(KeyState.PENDING_IMPORT, fixture.service.describeKey(id).state());
    }
}
