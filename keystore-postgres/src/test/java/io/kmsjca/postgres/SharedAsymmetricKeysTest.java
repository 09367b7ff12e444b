package io.kmsjca.postgres;

import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.Signature;

import static io.kmsjca.postgres.Fleet.*;
import static org.junit.jupiter.api.Assertions.*;

/** An asymmetric key (payload version 4) in a shared PostgreSQL store: sealed, shared, reopened. */
@org.junit.jupiter.api.Tag("same-on-every-jdk") // JDBC and SQL: run once, on JDK 17; the store contract still runs on JDK 25 (README, "Supported JDKs")
class SharedAsymmetricKeysTest {

    private final PostgresSettings settings;

    SharedAsymmetricKeysTest() throws Exception {
        settings = TestDatabase.shared().settings(TestDatabase.uniqueStoreName());
    }

    @Test
    void aKeyPairMadeByOneServiceSignsInAnotherAndAfterReopening() throws Exception {
        byte[] message = "signed by the fleet".getBytes(StandardCharsets.UTF_8);
        KmsPrivateKeyHandle made;
        try (KeyService a = open(settings); KeyService b = open(settings)) {
            made = a.createKeyPair(CreateKeyRequest.withAlias("fleet-signer").keySpec(KeySpec.ECC_NIST_P256)
                    .keyUsage(KeyUsage.SIGN_VERIFY));
            millisUntil(() -> b.findPrivateKey("fleet-signer").isPresent(), 1000);
            byte[] signature = b.sign("fleet-signer", message, MessageType.RAW, SigningAlgorithm.ECDSA_SHA_256);
            Signature jdk = Signature.getInstance("SHA256withECDSA");
            jdk.initVerify(made.publicKey());
            jdk.update(message);
            assertTrue(jdk.verify(signature), "the other service signs with the same private key");
        }
        try (KeyService reopened = open(settings)) {
            assertArrayEquals(made.publicKey().getEncoded(), reopened.getPublicKey("fleet-signer").getEncoded());
            assertEquals(KeySpec.ECC_NIST_P256, reopened.describeKey("fleet-signer").keySpec());
            byte[] signature = reopened.sign("fleet-signer", message, MessageType.RAW, SigningAlgorithm.ECDSA_SHA_256);
            assertTrue(reopened.verify("fleet-signer", message, MessageType.RAW, signature, SigningAlgorithm.ECDSA_SHA_256));
        }
    }
}
