package io.kmsjca.server;

import io.kmsjca.internal.remote.RemoteKeyHandle;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.InvalidKeyRequestException;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsKeyHandle;
import io.kmsjca.keys.MacAlgorithm;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.InvalidKeyException;
import java.security.KeyStore;
import java.security.Provider;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The provider as a client of a server's HMAC keys (issue #20): a provider configured by kms.conf
 * with {@code store.url} creates an HMAC key, its KeyService's GenerateMac and VerifyMac and the
 * JCA {@code Mac} with the remote handle (one GenerateMac per doFinal, the message bounded at 4096
 * bytes) agree with the server's own store, and GenerateRandom goes to the server, which audits it.
 */
class RemoteHmacTest {

    static final byte[] MESSAGE = "a token to authenticate".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    ServerFixture fixture;
    KeyService remote;
    Provider provider;

    @BeforeEach
    void start() throws Exception {
        fixture = new ServerFixture(dir).start();
        remote = service(fixture.alice);
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private KeyService service(ServerFixture.AccessKey key) throws Exception {
        Path secret = Files.writeString(dir.resolve(key.id() + ".secret"), key.secret() + "\n");
        if (Files.getFileAttributeView(secret, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        Path conf = Files.writeString(dir.resolve(key.id() + ".conf"), "store.url=" + fixture.server.endpoint()
                + "\naccess-key-id=" + key.id() + "\nsecret-access-key-file=" + secret.getFileName() + "\nregion="
                + ServerFixture.REGION + "\nretry-base-delay-ms=1\n");
        provider = new KmsProvider().configure(conf.toString());
        KeyStore ks = KeyStore.getInstance("KMS", provider);
        ks.load(null, null);
        return KmsAdmin.open(ks, "ignored".toCharArray());
    }

    @Test
    void anHmacKeyCreatedRemotely_macsAsTheServersStoreDoes_throughTheKeyServiceAndTheJcaMac() throws Exception {
        KmsKeyHandle created = remote.createKey(CreateKeyRequest.withAlias("tokens").keySpec(KeySpec.HMAC_384)
                .keyUsage(KeyUsage.GENERATE_VERIFY_MAC));
        assertInstanceOf(RemoteKeyHandle.class, created);
        assertEquals("HmacSHA384", created.getAlgorithm());
        KmsKeyHandle found = remote.findKey("tokens").orElseThrow();
        assertEquals("HmacSHA384", found.getAlgorithm());
        assertTrue(remote.findPrivateKey("tokens").isEmpty(), "an HMAC key is no key pair (and has no public key to fetch)");
        KeyStore ks = KeyStore.getInstance("KMS", provider);
        ks.load(null, null);
        assertTrue(ks.entryInstanceOf("tokens", KeyStore.SecretKeyEntry.class));
        assertEquals("HmacSHA384", ks.getKey("tokens", null).getAlgorithm());
        assertEquals(KeySpec.HMAC_384, remote.describeKey("tokens").keySpec());

        byte[] mac = remote.generateMac("tokens", MESSAGE, MacAlgorithm.HMAC_SHA_384);
        assertEquals(48, mac.length);
        assertArrayEquals(mac, fixture.service.generateMac(created.keyId().toString(), MESSAGE, MacAlgorithm.HMAC_SHA_384),
                "the server's own store computes the same MAC");
        assertTrue(remote.verifyMac("tokens", MESSAGE, mac, MacAlgorithm.HMAC_SHA_384));
        byte[] wrong = mac.clone();
        wrong[3] ^= 1;
        assertFalse(remote.verifyMac("tokens", MESSAGE, wrong, MacAlgorithm.HMAC_SHA_384));
        assertFalse(remote.verifyMac("tokens", MESSAGE, Arrays.copyOf(mac, 10), MacAlgorithm.HMAC_SHA_384));

        int before = fixture.audit.size();
        Mac jca = Mac.getInstance("HmacSHA384", provider);
        jca.init(found);
        jca.update(MESSAGE, 0, 4);
        jca.update(MESSAGE, 4, MESSAGE.length - 4);
        assertArrayEquals(mac, jca.doFinal());
        assertEquals(1, fixture.audit.subList(before, fixture.audit.size()).stream()
                .filter(e -> e.operation() == AuditOperation.GENERATE_MAC && e.outcome() == AuditOutcome.SUCCESS).count(),
                "one GenerateMac per doFinal");
        assertThrows(IllegalStateException.class, () -> jca.update(new byte[4097]), "a remote MAC covers at most 4096 bytes");

        Mac other = Mac.getInstance("HmacSHA256", provider);
        assertThrows(InvalidKeyException.class, () -> other.init(found));
        KmsKeyHandle aes = remote.createKey("orders", "");
        assertThrows(InvalidKeyException.class, () -> Mac.getInstance("HmacSHA256", provider).init(aes));
        assertThrows(InvalidKeyException.class, () -> remote.generateMac("orders", MESSAGE, MacAlgorithm.HMAC_SHA_256));
        assertThrows(InvalidKeyException.class, () -> remote.generateMac("tokens", MESSAGE, MacAlgorithm.HMAC_SHA_256));
    }

    @Test
    void generateRandomAsksTheServer() throws Exception {
        int before = fixture.audit.size();
        byte[] a = remote.generateRandom(1024);
        assertEquals(1024, a.length);
        assertFalse(Arrays.equals(a, remote.generateRandom(1024)));
        assertTrue(fixture.audit.subList(before, fixture.audit.size()).stream()
                .anyMatch(e -> e.operation() == AuditOperation.GENERATE_RANDOM && e.outcome() == AuditOutcome.SUCCESS));
        assertThrows(InvalidKeyRequestException.class, () -> remote.generateRandom(1025));
        assertThrows(InvalidKeyRequestException.class, () -> remote.generateRandom(0));
    }
}
