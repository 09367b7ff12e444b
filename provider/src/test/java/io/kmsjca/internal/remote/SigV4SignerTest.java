package io.kmsjca.internal.remote;

import io.kmsjca.internal.sigv4.SigV4;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The client's SigV4 signing against AWS's documented example ("Signature Version 4 signing
 * process", IAM ListUsers, 2015-08-30): every intermediate value and the final signature.
 */
class SigV4SignerTest {

    private static final byte[] SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".getBytes(StandardCharsets.US_ASCII);
    private static final Map<String, List<String>> HEADERS = Map.of(
            "Content-Type", List.of("application/x-www-form-urlencoded; charset=utf-8"),
            "Host", List.of("iam.amazonaws.com"),
            "X-Amz-Date", List.of("20150830T123600Z"));
    private static final List<String> SIGNED = List.of("content-type", "host", "x-amz-date");
    private static final String QUERY = "Action=ListUsers&Version=2010-05-08";

    private static String authorization(byte[] body) {
        SigV4Signer signer = new SigV4Signer("AKIDEXAMPLE", SECRET.clone(), "us-east-1", "iam");
        return signer.authorization("GET", "/", QUERY, HEADERS, SIGNED, body, "20150830T123600Z");
    }

    @Test
    void awsDocumentedExample_signsAsAwsDoes() {
        String canonical = SigV4.canonicalRequest("GET", "/", QUERY, HEADERS, SIGNED, SigV4.hex(SigV4.sha256(new byte[0])));
        assertEquals("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59",
                SigV4.hex(SigV4.sha256(canonical.getBytes(StandardCharsets.UTF_8))));
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                        + "SignedHeaders=content-type;host;x-amz-date, "
                        + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7",
                authorization(new byte[0]));
    }

    @Test
    void aChangedBodyOrDay_changesTheSignature() {
        String base = authorization(new byte[0]);
        assertNotEquals(base, authorization("{}".getBytes(StandardCharsets.UTF_8)));
        SigV4Signer signer = new SigV4Signer("AKIDEXAMPLE", SECRET.clone(), "us-east-1", "iam");
        // the day's signing key is kept; the next day gets its own, not yesterday's
        signer.authorization("GET", "/", QUERY, HEADERS, SIGNED, new byte[0], "20150830T123600Z");
        String nextDay = signer.authorization("GET", "/", QUERY, Map.of("Content-Type", HEADERS.get("Content-Type"),
                "Host", HEADERS.get("Host"), "X-Amz-Date", List.of("20150831T123600Z")), SIGNED, new byte[0], "20150831T123600Z");
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150831/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, Signature="
                + SigV4.hex(SigV4.hmac(SigV4.signingKey(SECRET, "20150831", "us-east-1", "iam"),
                SigV4.stringToSign("20150831T123600Z", SigV4.scope("20150831", "us-east-1", "iam"),
                        SigV4.canonicalRequest("GET", "/", QUERY, Map.of("content-type", HEADERS.get("Content-Type"),
                                "host", HEADERS.get("Host"), "x-amz-date", List.of("20150831T123600Z")), SIGNED,
                                SigV4.hex(SigV4.sha256(new byte[0]))))
                        .getBytes(StandardCharsets.UTF_8))), nextDay);
    }

    @Test
    void amzDate_andHostHeader_areWhatIsSigned() {
        assertEquals("20150830T123600Z", SigV4Signer.amzDate(Instant.parse("2015-08-30T12:36:00.789Z")));
        assertEquals("127.0.0.1:8443", KmsHttpClient.hostHeader(URI.create("https://127.0.0.1:8443/")));
        assertEquals("kms.internal", KmsHttpClient.hostHeader(URI.create("https://kms.internal:443/")));
        assertEquals("kms.internal", KmsHttpClient.hostHeader(URI.create("https://kms.internal/")));
        assertEquals("localhost:80", KmsHttpClient.hostHeader(URI.create("https://localhost:80/")));
        assertEquals("[::1]:9000", KmsHttpClient.hostHeader(URI.create("http://[::1]:9000/")));
    }
}
