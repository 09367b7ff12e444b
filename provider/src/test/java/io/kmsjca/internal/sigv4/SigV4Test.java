package io.kmsjca.internal.sigv4;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The worked example of the IAM user guide's "Signature Version 4 signing process" (a GET of
 * IAM's ListUsers on 2015-08-30 with the documentation's example secret), step by step: the
 * canonical request, its hash, the string to sign, the signing key and the final signature are
 * the published values.
 */
class SigV4Test {

    static final byte[] EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".getBytes(StandardCharsets.US_ASCII);
    static final String EMPTY_BODY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void signingKey_isTheDocumentedOne() {
        assertEquals("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9",
                SigV4.hex(SigV4.signingKey(EXAMPLE_SECRET, "20150830", "us-east-1", "iam")));
    }

    @Test
    void theListUsersExample_signsToTheDocumentedSignature() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Host", List.of("iam.amazonaws.com"));
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8"));
        headers.put("X-Amz-Date", List.of("20150830T123600Z"));
        String canonical = SigV4.canonicalRequest("GET", "/", "Version=2010-05-08&Action=ListUsers", headers,
                List.of("content-type", "host", "x-amz-date"), EMPTY_BODY_SHA256);
        assertEquals("""
                GET
                /
                Action=ListUsers&Version=2010-05-08
                content-type:application/x-www-form-urlencoded; charset=utf-8
                host:iam.amazonaws.com
                x-amz-date:20150830T123600Z

                content-type;host;x-amz-date
                """ + EMPTY_BODY_SHA256, canonical);
        assertEquals("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
                SigV4.hex(SigV4.sha256(canonical.getBytes(StandardCharsets.UTF_8))));

        String scope = SigV4.scope("20150830", "us-east-1", "iam");
        String stringToSign = SigV4.stringToSign("20150830T123600Z", scope, canonical);
        assertEquals("""
                AWS4-HMAC-SHA256
                20150830T123600Z
                20150830/us-east-1/iam/aws4_request
                f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59""", stringToSign);

        byte[] key = SigV4.signingKey(EXAMPLE_SECRET, "20150830", "us-east-1", "iam");
        assertEquals("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
                SigV4.hex(SigV4.hmac(key, stringToSign)));
    }

    @Test
    void headerValuesAreTrimmedAndTheirInnerSpacesFolded() {
        Map<String, List<String>> headers = Map.of("X-Amz-Meta", List.of("  a   b  ", "c"));
        assertEquals("POST\n/\n\nx-amz-meta:a b,c\n\nx-amz-meta\n" + EMPTY_BODY_SHA256,
                SigV4.canonicalRequest("POST", "", null, headers, List.of("x-amz-meta"), EMPTY_BODY_SHA256));
    }

    @Test
    void anotherDayRegionOrServiceSignsWithAnotherKey() {
        String base = SigV4.hex(SigV4.signingKey(EXAMPLE_SECRET, "20150830", "us-east-1", "iam"));
        assertNotEquals(base, SigV4.hex(SigV4.signingKey(EXAMPLE_SECRET, "20150831", "us-east-1", "iam")));
        assertNotEquals(base, SigV4.hex(SigV4.signingKey(EXAMPLE_SECRET, "20150830", "us-west-2", "iam")));
        assertNotEquals(base, SigV4.hex(SigV4.signingKey(EXAMPLE_SECRET, "20150830", "us-east-1", "kms")));
    }
}
