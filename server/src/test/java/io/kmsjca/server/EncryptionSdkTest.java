package io.kmsjca.server;

import com.amazonaws.encryptionsdk.AwsCrypto;
import com.amazonaws.encryptionsdk.CryptoResult;
import com.amazonaws.encryptionsdk.ParsedCiphertext;
import com.amazonaws.encryptionsdk.model.KeyBlob;
import io.kmsjca.provider.KmsEncryptionContextSpec;
import io.kmsjca.provider.KmsProvider;
import com.amazonaws.encryptionsdk.exception.CannotUnwrapDataKeyException;
import com.amazonaws.encryptionsdk.kmssdkv2.KmsMasterKeyProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AWS Encryption SDK for Java (its KMS master key provider over the SDK v2 client) with
 * kms-jca keys: its messages' data keys are generated and decrypted by this server.
 */
class EncryptionSdkTest {

    @TempDir
    Path dir;
    ServerFixture fixture;
    KmsClient alice;
    final AwsCrypto crypto = AwsCrypto.standard();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ServerFixture(dir).start();
        alice = fixture.client(fixture.alice);
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    KmsMasterKeyProvider strict(KmsClient client, String keyArn) {
        return KmsMasterKeyProvider.builder().customRegionalClientSupplier(region -> client).buildStrict(keyArn);
    }

    @Test
    void aMessageEncryptedWithAKmsJcaKeyDecrypts() {
        String arn = alice.createKey(b -> b.description("esdk")).keyMetadata().arn();
        byte[] plaintext = "a message for the Encryption SDK".getBytes(StandardCharsets.UTF_8);
        CryptoResult<byte[], ?> encrypted = crypto.encryptData(strict(alice, arn), plaintext, Map.of("purpose", "test"));
        assertEquals(arn, encrypted.getMasterKeyIds().get(0));

        CryptoResult<byte[], ?> decrypted = crypto.decryptData(strict(alice, arn), encrypted.getResult());
        assertArrayEquals(plaintext, decrypted.getResult());
        assertEquals("test", decrypted.getEncryptionContext().get("purpose"));

        CryptoResult<byte[], ?> discovered = crypto.decryptData(KmsMasterKeyProvider.builder()
                .customRegionalClientSupplier(region -> alice).buildDiscovery(), encrypted.getResult());
        assertArrayEquals(plaintext, discovered.getResult(), "the message names its key: discovery finds it");
    }

    @Test
    void aDataKeyTheSdkGeneratedIsTheOneTheServerDecrypts() {
        String arn = alice.createKey(b -> b.description("esdk")).keyMetadata().arn();
        byte[] message = crypto.encryptData(strict(alice, arn), new byte[100]).getResult();
        int before = fixture.audit.size();
        crypto.decryptData(strict(alice, arn), message);
        assertTrue(fixture.eventsSince(before).stream().anyMatch(e -> e.operation() == io.kmsjca.spi.audit.AuditOperation.DECRYPT
                && arn.endsWith(e.keyId())), "the server decrypted the message's data key");
    }

    @Test
    void aMessageForAnotherKeyIsRefused() {
        String mine = alice.createKey(b -> b.description("mine")).keyMetadata().arn();
        String other = alice.createKey(b -> b.description("other")).keyMetadata().arn();
        byte[] message = crypto.encryptData(strict(alice, mine), "for mine".getBytes(StandardCharsets.UTF_8)).getResult();
        assertThrows(CannotUnwrapDataKeyException.class, () -> crypto.decryptData(strict(alice, other), message));

        // the server itself refuses: a key user whose key policy does not allow Decrypt on that key
        alice.putKeyPolicy(b -> b.keyId(mine).policyName("default").policy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"}]}"""));
        KmsClient app = fixture.client(fixture.app);
        var e = assertThrows(CannotUnwrapDataKeyException.class, () -> crypto.decryptData(strict(app, mine), message));
        assertFalse(String.valueOf(e.getMessage()).contains("for mine"));
        assertEquals("for mine", new String(crypto.decryptData(strict(alice, mine), message).getResult(), StandardCharsets.UTF_8));
    }

    /**
     * The other way round: the data key of an Encryption SDK message, wrapped by this server, is an
     * ordinary KMSWrap blob that the embedded provider opens on the same store, bound to the
     * message's encryption context as the SDK sent it; with another context it does not open.
     */
    @Test
    void theDataKeyOfAnSdkMessage_opensWithTheEmbeddedProviderOnTheSameStore() throws Exception {
        String arn = alice.createKey(b -> b.description("esdk")).keyMetadata().arn();
        byte[] message = crypto.encryptData(strict(alice, arn), new byte[100], Map.of("purpose", "test")).getResult();
        ParsedCiphertext parsed = new ParsedCiphertext(message);
        KeyBlob edk = parsed.getEncryptedKeyBlobs().get(0);
        assertEquals("aws-kms", edk.getProviderId());
        Map<String, String> context = parsed.getEncryptionContextMap();
        assertEquals("test", context.get("purpose"));

        Cipher embedded = Cipher.getInstance("KMSWrap", new KmsProvider());
        var handle = fixture.service.findKey(arn.substring(arn.lastIndexOf('/') + 1)).orElseThrow();
        embedded.init(Cipher.DECRYPT_MODE, handle, new KmsEncryptionContextSpec(context));
        byte[] dataKey = embedded.doFinal(edk.getEncryptedDataKey());
        assertEquals(32, dataKey.length, "the suite's AES-256 data key");

        Map<String, String> other = new HashMap<>(context);
        other.put("purpose", "another");
        embedded.init(Cipher.DECRYPT_MODE, handle, new KmsEncryptionContextSpec(other));
        assertThrows(AEADBadTagException.class, () -> embedded.doFinal(edk.getEncryptedDataKey()));
    }
}
