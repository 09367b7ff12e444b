package io.kmsjca.server;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SigV4 Authorization header parser: what it accepts, and that any change to a valid header is read differently or refused. */
class AuthorizationHeaderTest {

    static final String SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
    static final String VALID = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE12345/20150830/us-east-1/iam/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date, Signature=" + SIGNATURE;

    @Test
    void aValidHeaderIsReadIntoItsParts() throws Exception {
        AuthorizationHeader h = AuthorizationHeader.parse(VALID);
        assertEquals("AKIDEXAMPLE12345", h.accessKeyId());
        assertEquals("20150830", h.date());
        assertEquals("us-east-1", h.region());
        assertEquals("iam", h.service());
        assertEquals("aws4_request", h.terminator());
        assertEquals(List.of("content-type", "host", "x-amz-date"), h.signedHeaders());
        assertArrayEquals(HexFormat.of().parseHex(SIGNATURE), h.signature());
    }

    @Test
    void malformedHeadersAreIncompleteSignatures_isRejected() {
        for (String bad : List.of("", "AWS4-HMAC-SHA1 Credential=a", VALID.replace(", Signature=", ", Sig="),
                VALID + ", Signature=" + SIGNATURE, VALID.replace("host;x-amz-date", "x-amz-date;host"),
                VALID.replace("host;", "host;host;"), VALID.replace("/aws4_request", ""),
                VALID.replace(SIGNATURE, SIGNATURE.toUpperCase()), VALID.replace(SIGNATURE, SIGNATURE.substring(1)),
                VALID.replace("20150830", "2015083"), VALID.replace("AKIDEXAMPLE12345", "short"),
                VALID.replace("content-type;", "Content-Type;"), VALID + " ".repeat(AuthorizationHeader.MAX_CHARS))) {
            KmsError e = assertThrows(KmsError.class, () -> AuthorizationHeader.parse(bad), bad);
            assertEquals("IncompleteSignatureException", e.type());
            assertEquals(400, e.status());
        }
    }

    @Test
    void everyByteChangedIsReadDifferentlyOrRefused() throws Exception {
        AuthorizationHeader valid = AuthorizationHeader.parse(VALID);
        for (int i = 0; i < VALID.length(); i++) {
            for (char c : new char[] {'0', 'a', 'Z', ',', '/', ';', ' ', '='}) {
                if (VALID.charAt(i) == c) {
                    continue;
                }
                String mutated = VALID.substring(0, i) + c + VALID.substring(i + 1);
                try {
                    AuthorizationHeader h = AuthorizationHeader.parse(mutated);
                    // accepted only if it reads as another header (the signature then fails to verify)
                    assertNotEquals(describe(valid), describe(h), mutated);
                } catch (KmsError refused) {
                    assertEquals("IncompleteSignatureException", refused.type(), mutated);
                }
            }
        }
    }

    private static String describe(AuthorizationHeader h) {
        return String.join("|", h.accessKeyId(), h.date(), h.region(), h.service(), h.terminator(),
                String.join(";", h.signedHeaders()), HexFormat.of().formatHex(h.signature()));
    }

    /** A valid header signing {@code count} headers, their names padded so that the header is {@code length} characters (0: unpadded). */
    private static String header(int count, int length) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(String.format("h%03d", i));
        }
        String without = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE12345/20150830/us-east-1/iam/aws4_request, SignedHeaders="
                + String.join(";", names) + ", Signature=" + SIGNATURE;
        int padding = length > 0 ? length - without.length() : 0; // spread over the names (each at most 128 characters);
        for (int i = 0; i < count; i++) {                          // they still sort by their numbers: h000a... < h001
            names.set(i, names.get(i) + "a".repeat(padding / count + (i < padding % count ? 1 : 0)));
        }
        return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE12345/20150830/us-east-1/iam/aws4_request, SignedHeaders="
                + String.join(";", names) + ", Signature=" + SIGNATURE;
    }

    @Test
    void theLimits_holdAtTheirBounds_notOneBeyond() throws Exception {
        String longest = header(AuthorizationHeader.MAX_SIGNED_HEADERS, AuthorizationHeader.MAX_CHARS);
        assertEquals(AuthorizationHeader.MAX_CHARS, longest.length());
        assertEquals(AuthorizationHeader.MAX_SIGNED_HEADERS, AuthorizationHeader.parse(longest).signedHeaders().size());
        KmsError tooLong = assertThrows(KmsError.class,
                () -> AuthorizationHeader.parse(header(AuthorizationHeader.MAX_SIGNED_HEADERS, AuthorizationHeader.MAX_CHARS + 1)));
        assertTrue(tooLong.getMessage().contains("longer than"), tooLong.getMessage());
        KmsError tooMany = assertThrows(KmsError.class,
                () -> AuthorizationHeader.parse(header(AuthorizationHeader.MAX_SIGNED_HEADERS + 1, 0)));
        assertTrue(tooMany.getMessage().contains("more than"), tooMany.getMessage());
    }
}
