package io.kmsjca.cli;

import io.kmsjca.keys.EncryptionAlgorithm;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.MessageType;
import io.kmsjca.keys.SigningAlgorithm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounds the asymmetric commands check before the key service sees anything. */
class AsymmetricInputsTest {

    @TempDir
    Path dir;

    private final Inputs.Message message = new Inputs.Message();

    @Test
    void message_atMost4096Bytes_fromAFileOrBase64() throws Exception {
        byte[] largest = new byte[4096];
        largest[4095] = 7;
        Path file = Files.write(dir.resolve("m.bin"), largest);
        assertArrayEquals(largest, message.convert("fileb://" + file).value());
        assertArrayEquals(largest, message.convert(Base64.getEncoder().encodeToString(largest)).value());

        Path larger = Files.write(dir.resolve("big.bin"), new byte[4097]);
        TypeConversionException refused = assertThrows(TypeConversionException.class, () -> message.convert("fileb://" + larger));
        assertTrue(refused.getMessage().contains("4096") && refused.getMessage().contains("ValidationException"), refused.getMessage());
        assertThrows(TypeConversionException.class, () -> message.convert(Base64.getEncoder().encodeToString(new byte[4097])));
        assertThrows(TypeConversionException.class, () -> message.convert("fileb://" + Files.write(dir.resolve("empty"), new byte[0])));
    }

    @Test
    void message_anEndlessFile_isRefusedAfterReadingOneBytePastTheLimit() {
        // /dev/zero never ends: reading it whole would never return
        TypeConversionException refused = assertThrows(TypeConversionException.class, () -> message.convert("fileb:///dev/zero"));
        assertTrue(refused.getMessage().contains("larger than 4096"), refused.getMessage());
    }

    @Test
    void digestAndExternalMu_lengthsAndAlgorithmsAsAwsTakesThem() throws Exception {
        SigningCommands.checkMessage(MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_256, 32);
        SigningCommands.checkMessage(MessageType.DIGEST, SigningAlgorithm.RSASSA_PSS_SHA_384, 48);
        SigningCommands.checkMessage(MessageType.DIGEST, SigningAlgorithm.ED25519_PH_SHA_512, 64);
        SigningCommands.checkMessage(MessageType.EXTERNAL_MU, SigningAlgorithm.ML_DSA_SHAKE_256, 64);
        SigningCommands.checkMessage(MessageType.RAW, SigningAlgorithm.ED25519_SHA_512, 4096);

        CliException shortDigest = assertThrows(CliException.class,
                () -> SigningCommands.checkMessage(MessageType.DIGEST, SigningAlgorithm.ECDSA_SHA_384, 32));
        assertEquals(ExitCode.USAGE, shortDigest.exitCode());
        assertTrue(shortDigest.getMessage().contains("48"), shortDigest.getMessage());
        assertEquals(ExitCode.USAGE, assertThrows(CliException.class,
                () -> SigningCommands.checkMessage(MessageType.DIGEST, SigningAlgorithm.ED25519_SHA_512, 64)).exitCode());
        assertEquals(ExitCode.USAGE, assertThrows(CliException.class,
                () -> SigningCommands.checkMessage(MessageType.DIGEST, SigningAlgorithm.ML_DSA_SHAKE_256, 64)).exitCode());
        assertEquals(ExitCode.USAGE, assertThrows(CliException.class,
                () -> SigningCommands.checkMessage(MessageType.EXTERNAL_MU, SigningAlgorithm.ECDSA_SHA_256, 64)).exitCode());
        assertEquals(ExitCode.USAGE, assertThrows(CliException.class,
                () -> SigningCommands.checkMessage(MessageType.EXTERNAL_MU, SigningAlgorithm.ML_DSA_SHAKE_256, 32)).exitCode());
    }

    @Test
    void rsaOaep_largestPlaintexts_areAwsKmsFigures() {
        // AWS KMS's documented limits for RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256
        assertEquals(214, RsaEncryption.maxPlaintext(KeySpec.RSA_2048, EncryptionAlgorithm.RSAES_OAEP_SHA_1));
        assertEquals(190, RsaEncryption.maxPlaintext(KeySpec.RSA_2048, EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertEquals(342, RsaEncryption.maxPlaintext(KeySpec.RSA_3072, EncryptionAlgorithm.RSAES_OAEP_SHA_1));
        assertEquals(318, RsaEncryption.maxPlaintext(KeySpec.RSA_3072, EncryptionAlgorithm.RSAES_OAEP_SHA_256));
        assertEquals(470, RsaEncryption.maxPlaintext(KeySpec.RSA_4096, EncryptionAlgorithm.RSAES_OAEP_SHA_1));
        assertEquals(446, RsaEncryption.maxPlaintext(KeySpec.RSA_4096, EncryptionAlgorithm.RSAES_OAEP_SHA_256));
    }
}
