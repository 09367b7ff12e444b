package io.kmsjca.internal.store;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key file's text: three lines, a bounded size, a 32-byte secret. */
class KeyFileFormatTest {

    static final String SECRET = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="; // bytes 1..32

    static CredentialSecret parse(String text) throws IOException {
        return KeyFileFormat.parse(text.getBytes(StandardCharsets.UTF_8), "test.key");
    }

    @Test
    void aKeyFileRoundTrips() throws IOException {
        byte[] secret = new byte[32];
        for (int i = 0; i < 32; i++) {
            secret[i] = (byte) (i + 1);
        }
        byte[] text = KeyFileFormat.format("orders-service", secret);
        assertEquals("kms-jca-credential 1\nprincipal orders-service\nsecret " + SECRET + "\n",
                new String(text, StandardCharsets.UTF_8));
        CredentialSecret read = KeyFileFormat.parse(text, "test.key");
        assertEquals("orders-service", read.principal());
        assertTrue(Arrays.equals(secret, read.keyFileBytes()));
        read.wipe();
        assertTrue(Arrays.equals(new byte[32], read.keyFileBytes()), "wiped");
        assertEquals("svc", parse("kms-jca-credential 1\nprincipal svc\nsecret " + SECRET).principal(),
                "the last newline is optional");
    }

    @Test
    void anythingElseIsRefusedWithoutEchoingTheSecret() {
        for (String bad : new String[]{
                "",
                "kms-jca-credential 2\nprincipal svc\nsecret " + SECRET + "\n",
                "kms-jca-credential 1\nprincipal \nsecret " + SECRET + "\n",
                "kms-jca-credential 1\nprincipal svc\nsecret " + SECRET.substring(4) + "\n",
                "kms-jca-credential 1\nprincipal svc\nsecret " + SECRET + "\nextra\n",
                "kms-jca-credential 1\nsecret " + SECRET + "\nprincipal svc\n",
                "kms-jca-credential 1\nprincipal svc\nsecret not*base64\n",
                "kms-jca-credential 1\nprincipal " + "x".repeat(257) + "\nsecret " + SECRET + "\n",
                "kms-jca-credential 1\nprincipal svc\nsecret " + SECRET + "\n" + " ".repeat(1024),
        }) {
            IOException e = assertThrows(IOException.class, () -> parse(bad), bad);
            assertTrue(!e.getMessage().contains(SECRET), e.getMessage());
        }
    }
}
