package io.kmsjca.server;

import io.kmsjca.internal.sigv4.SigV4;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KmsException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Security review of the server's request path (SigV4, JSON, key references, errors, audit).
 * The first two tests proved findings (an alias spelled alias/alias/NAME, a DeleteAlias of a
 * missing alias unaudited), fixed with them; the others are the attacks that are refused, kept
 * as a regression net. A request that fails SigV4 writes no audit event (docs/server.md).
 */
class ProtocolReviewTest {

    static final String POLICY_WITH_APP = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"admins\",\"Effect\":\"Allow\","
            + "\"Principal\":{\"AWS\":[\"root\",\"alice\"]},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Sid\":\"app\","
            + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"app\"]},\"Action\":\"kms:*\",\"Resource\":\"*\"}]}";

    @TempDir
    Path dir;
    ServerFixture fixture;
    KmsClient alice;
    String key;
    URI endpoint;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ServerFixture(dir).start();
        endpoint = fixture.server.endpoint();
        alice = fixture.client(fixture.alice);
        key = alice.createKey(b -> b.description("k")).keyMetadata().keyId();
        alice.createAlias(b -> b.aliasName("alias/payments").targetKeyId(key));
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    // ------------------------------------------------------------------ a signer for raw requests

    /** A request head signed over {@code signedBody}; {@code extra} lines are sent as given and signed when named in {@code signed}. */
    private String head(ServerFixture.AccessKey k, String target, byte[] signedBody, List<String[]> extra,
                        List<String> signed, boolean chunked, int contentLength) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"Host", endpoint.getHost() + ":" + endpoint.getPort()});
        lines.add(new String[] {"Content-Type", "application/x-amz-json-1.1"});
        lines.add(new String[] {"X-Amz-Date", RawRequest.AMZ_DATE.format(Instant.now())});
        if (target != null) {
            lines.add(new String[] {"X-Amz-Target", "TrentService." + target});
        }
        lines.addAll(extra);
        for (String[] l : lines) {
            headers.computeIfAbsent(l[0], x -> new ArrayList<>()).add(l[1]);
        }
        String amzDate = lines.get(2)[1];
        String date = amzDate.substring(0, 8);
        String canonical = SigV4.canonicalRequest("POST", "/", null, headers, signed, SigV4.hex(SigV4.sha256(signedBody)));
        String scope = SigV4.scope(date, ServerFixture.REGION, "kms");
        String toSign = SigV4.stringToSign(amzDate, scope, canonical);
        byte[] signingKey = SigV4.signingKey(k.secret().getBytes(StandardCharsets.UTF_8), date, ServerFixture.REGION, "kms");
        StringBuilder sb = new StringBuilder("POST / HTTP/1.1\r\n");
        for (String[] l : lines) {
            sb.append(l[0]).append(": ").append(l[1]).append("\r\n");
        }
        sb.append("Authorization: AWS4-HMAC-SHA256 Credential=").append(k.id()).append('/').append(scope)
                .append(", SignedHeaders=").append(String.join(";", signed)).append(", Signature=")
                .append(SigV4.hex(SigV4.hmac(signingKey, toSign))).append("\r\n");
        sb.append(chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + contentLength + "\r\n");
        sb.append("Connection: close\r\n\r\n");
        return sb.toString();
    }

    private static final List<String> SIGNED = List.of("content-type", "host", "x-amz-date", "x-amz-target");

    private RawRequest.Response send(ServerFixture.AccessKey k, String target, byte[] signedBody, byte[] sentBody) throws IOException {
        return RawRequest.exchange(endpoint, head(k, target, signedBody, List.of(), SIGNED, false, sentBody.length)
                .getBytes(StandardCharsets.UTF_8), sentBody);
    }

    private RawRequest.Response send(ServerFixture.AccessKey k, String target, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return send(k, target, b, b);
    }

    private static byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += 5) {
            int n = Math.min(5, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static void assertError(RawRequest.Response r, int status, String type) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains("\"__type\":\"" + type + "\""), r.body());
    }

    private int keyCount() {
        return alice.listKeys(b -> { }).keys().size();
    }

    // ------------------------------------------------------------------ findings

    /**
     * Finding P1 (fixed: such a name is refused): an alias created as {@code alias/alias/NAME} is stored by the provider as
     * {@code alias/NAME} (Aliases.normalize strips one prefix) and listed by ListAliases under
     * {@code KeyIds.aliasName}, which adds no prefix to a name that already starts with
     * {@code alias/}: so it is listed as {@code alias/NAME}, beside (or in place of) the real
     * alias NAME, pointing to another key. A key user allowed CreateAlias on its own key thus
     * shows its key under another team's alias name in every listing (the remote KeyStore's
     * aliases(), the CLI, an operator's console), while DescribeKey of that name resolves the
     * real key: the listing lies. Each listed AliasName must be unique and resolve to its TargetKeyId.
     */
    @Test
    void anAliasNamedAliasSlashName_isRefused_andEveryListedAliasResolvesToItsKey() {
        String own = alice.createKey(b -> b.policy(POLICY_WITH_APP).description("app's")).keyMetadata().keyId();
        KmsClient app = fixture.client(fixture.app);
        software.amazon.awssdk.services.kms.model.KmsException refused = assertThrows(
                software.amazon.awssdk.services.kms.model.KmsException.class,
                () -> app.createAlias(b -> b.aliasName("alias/alias/payments").targetKeyId(own)));
        assertEquals("ValidationException", refused.awsErrorDetails().errorCode());

        List<AliasListEntry> aliases = alice.listAliases(b -> { }).aliases();
        Set<String> names = new HashSet<>();
        for (AliasListEntry a : aliases) {
            assertTrue(names.add(a.aliasName()), "ListAliases names " + a.aliasName() + " twice: " + aliases);
            String resolved = alice.describeKey(b -> b.keyId(a.aliasName())).keyMetadata().keyId();
            assertEquals(a.targetKeyId(), resolved, a.aliasName() + " is listed for one key and resolves to another");
        }
    }

    /**
     * Finding P2 (fixed): DeleteAlias of an alias that does not exist answered NotFoundException and wrote
     * no audit event, although a lifecycle change that fails is audited (docs/audit.md: "exactly
     * one" event "whether it succeeds, is denied by a rule or fails"); a key user probing alias
     * names this way (DeleteAlias answers NotFound for a free name, AccessDenied for a taken one)
     * leaves no trace for the free names, while the same probe through DescribeKey is audited.
     */
    @Test
    void deleteAliasOfAMissingAlias_isAuditedOnce() throws Exception {
        int from = fixture.audit.size();
        var r = send(fixture.app, "DeleteAlias", "{\"AliasName\":\"alias/does-not-exist\"}");
        assertError(r, 400, "NotFoundException");
        List<AuditEvent> events = fixture.eventsSince(from);
        assertEquals(1, events.size(), "one event for the request: " + events);
        assertEquals(AuditOperation.DELETE_ALIAS, events.get(0).operation());
        assertEquals("app", events.get(0).principal());
    }

    // ------------------------------------------------------------------ refused: SigV4

    @Test
    void aBodyOtherThanTheSignedOneIsRefused_unaudited() throws Exception {
        int from = fixture.audit.size();
        int keys = keyCount();
        var r = send(fixture.alice, "CreateKey", "{\"Description\":\"aa\"}".getBytes(StandardCharsets.UTF_8),
                "{\"Description\":\"bb\"}".getBytes(StandardCharsets.UTF_8));
        assertError(r, 400, "InvalidSignatureException");
        assertEquals(keys, keyCount());
        assertTrue(fixture.eventsSince(from).stream().noneMatch(e -> e.operation() == AuditOperation.CREATE_KEY));
        // an X-Amz-Content-Sha256 that names the signed body, while another is sent: the body is hashed as received
        byte[] signed = "{\"Limit\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] sent = "{\"Limit\":2}".getBytes(StandardCharsets.UTF_8);
        String h = head(fixture.alice, "ListKeys", signed, List.<String[]>of(new String[] {"X-Amz-Content-Sha256",
                SigV4.hex(SigV4.sha256(signed))}), List.of("content-type", "host", "x-amz-content-sha256", "x-amz-date",
                "x-amz-target"), false, sent.length);
        assertError(RawRequest.exchange(endpoint, h.getBytes(StandardCharsets.UTF_8), sent), 400, "InvalidSignatureException");
    }

    @Test
    void aChunkedBodyIsHashedAsReceived() throws Exception {
        byte[] body = "{\"KeyId\":\"alias/payments\"}".getBytes(StandardCharsets.UTF_8);
        String h = head(fixture.alice, "DescribeKey", body, List.of(), SIGNED, true, 0);
        var ok = RawRequest.exchange(endpoint, h.getBytes(StandardCharsets.UTF_8), chunked(body));
        assertEquals(200, ok.status(), ok.body());
        assertTrue(ok.body().contains(key), ok.body());
        byte[] other = "{\"KeyId\":\"alias/paymentz\"}".getBytes(StandardCharsets.UTF_8);
        var r = RawRequest.exchange(endpoint, h.getBytes(StandardCharsets.UTF_8), chunked(other));
        assertError(r, 400, "InvalidSignatureException");
    }

    @Test
    void aHeaderSIgV4ReadsSentTwice_inAnyCase_isRefusedEvenWhenSigned() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        // a second target in upper case, signed with the first (the values join): still refused, never run
        int keys = keyCount();
        List<String[]> target = List.<String[]>of(new String[] {"X-AMZ-TARGET", "TrentService.CreateKey"});
        var r = RawRequest.exchange(endpoint, head(fixture.alice, "ListKeys", body, target, SIGNED, false, body.length)
                .getBytes(StandardCharsets.UTF_8), body);
        assertError(r, 400, "IncompleteSignatureException");
        assertEquals(keys, keyCount());
        List<String[]> date = List.<String[]>of(new String[] {"x-amz-date", RawRequest.AMZ_DATE.format(Instant.now())});
        r = RawRequest.exchange(endpoint, head(fixture.alice, "ListKeys", body, date, SIGNED, false, body.length)
                .getBytes(StandardCharsets.UTF_8), body);
        assertError(r, 400, "IncompleteSignatureException");
        List<String[]> type = List.<String[]>of(new String[] {"Content-Type", "text/plain"});
        r = RawRequest.exchange(endpoint, head(fixture.alice, "ListKeys", body, type, SIGNED, false, body.length)
                .getBytes(StandardCharsets.UTF_8), body);
        assertError(r, 400, "IncompleteSignatureException");
    }

    @Test
    void theHostHeaderMustBeSignedAndIsCoveredByTheSignature() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        var r = RawRequest.exchange(endpoint, head(fixture.alice, "ListKeys", body, List.of(),
                List.of("content-type", "x-amz-date", "x-amz-target"), false, body.length).getBytes(StandardCharsets.UTF_8), body);
        assertError(r, 400, "InvalidSignatureException");
        assertTrue(r.body().contains("host"), r.body());
        // signed for one host, sent with another
        String h = head(fixture.alice, "ListKeys", body, List.of(), SIGNED, false, body.length)
                .replace("Host: " + endpoint.getHost() + ":" + endpoint.getPort(), "Host: kms.elsewhere:443");
        assertError(RawRequest.exchange(endpoint, h.getBytes(StandardCharsets.UTF_8), body), 400, "InvalidSignatureException");
    }

    @Test
    void veryLargeHeadersAreRefusedAndTheServerStillAnswers() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String big = "a".repeat(512 * 1024);
        String h = head(fixture.alice, "ListKeys", body, List.<String[]>of(new String[] {"X-Padding", big}), SIGNED, false, body.length);
        try {
            var r = RawRequest.exchange(endpoint, h.getBytes(StandardCharsets.UTF_8), body);
            assertNotEquals(200, r.status(), "a 512 KiB header is not served");
        } catch (IOException | RuntimeException closed) {
            // the server closed the connection: refused
        }
        List<String[]> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add(new String[] {"X-H" + i, "v"});
        }
        h = head(fixture.alice, "ListKeys", body, many, SIGNED, false, body.length);
        try {
            var r = RawRequest.exchange(endpoint, h.getBytes(StandardCharsets.UTF_8), body);
            assertNotEquals(200, r.status(), "2000 headers are not served");
        } catch (IOException | RuntimeException closed) {
            // refused by closing
        }
        // an Authorization header past its bound is refused before it is split
        String longAuth = "POST / HTTP/1.1\r\nHost: x\r\nX-Amz-Date: " + RawRequest.AMZ_DATE.format(Instant.now())
                + "\r\nX-Amz-Target: TrentService.ListKeys\r\nAuthorization: AWS4-HMAC-SHA256 Credential="
                + "A".repeat(5000) + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n";
        assertError(RawRequest.exchange(endpoint, longAuth.getBytes(StandardCharsets.UTF_8), body), 400, "IncompleteSignatureException");
        var health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint.resolve("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        assertEquals(200, send(fixture.alice, "ListKeys", "{}").status());
    }

    @Test
    void unauthenticatedRequestsLearnNothingOfKeysAndAreNotRun() throws Exception {
        int from = fixture.audit.size();
        var wrong = new ServerFixture.AccessKey(fixture.app.id(), "y".repeat(40));
        var existing = send(wrong, "DescribeKey", "{\"KeyId\":\"alias/payments\"}");
        var missing = send(wrong, "DescribeKey", "{\"KeyId\":\"alias/nothing-here\"}");
        assertError(existing, 400, "InvalidSignatureException");
        assertEquals(existing.body(), missing.body(), "the same answer whether the key exists or not");
        var unknownKey = send(new ServerFixture.AccessKey("KMSAUNKNOWNUNKNOWN00", "z".repeat(40)), "DescribeKey",
                "{\"KeyId\":\"alias/payments\"}");
        assertError(unknownKey, 400, "UnrecognizedClientException");
        assertFalse(unknownKey.body().contains(key) || existing.body().contains(key));
        assertTrue(fixture.eventsSince(from).stream().noneMatch(e -> e.operation() == AuditOperation.DESCRIBE_KEY),
                "an unauthenticated request reaches no key: " + fixture.eventsSince(from));
    }

    // ------------------------------------------------------------------ refused: JSON

    @Test
    void malformedOrHostileJsonIsRefusedBeforeAnyKeyIsTouched() throws Exception {
        int from = fixture.audit.size();
        int keys = keyCount();
        String ctx = "\",\"Plaintext\":\"AAAA\",\"EncryptionContext\":";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("[]", "ValidationException");
        cases.put("null", "ValidationException");
        cases.put("\"CreateKey\"", "ValidationException");
        cases.put("", "SerializationException");
        cases.put("{\"Description\":\"a\",\"Description\":\"b\"}", "SerializationException");
        cases.put("{\"Tags\":" + "[".repeat(9) + "]".repeat(9) + "}", "SerializationException");
        cases.put("{\"Description\":5}", "ValidationException");
        cases.put("{\"Description\":\"a\"} {}", "SerializationException");
        cases.put("{\"Description\":\"\\ud800\"}", "SerializationException");
        cases.put("{\"Description\":\"a\u0001\"}", "SerializationException");
        for (var c : cases.entrySet()) {
            assertError(send(fixture.alice, "CreateKey", c.getKey()), 400, c.getValue());
        }
        assertError(send(fixture.alice, "ListKeys", "{\"Limit\":1" + "0".repeat(30000) + "}"), 400, "ValidationException");
        assertError(send(fixture.alice, "ListKeys", "{\"Limit\":1e999999999}"), 400, "ValidationException");
        assertError(send(fixture.alice, "ListKeys", "{\"Limit\":\"5\"}"), 400, "ValidationException");
        assertError(send(fixture.alice, "Encrypt", "{\"KeyId\":\"" + key + ctx + "{\"a\":1}}"), 400, "ValidationException");
        assertError(send(fixture.alice, "Encrypt", "{\"KeyId\":[\"" + key + "\"],\"Plaintext\":\"AAAA\"}"), 400, "ValidationException");
        // invalid UTF-8 (an overlong '"' and a lone continuation byte) is refused, never replaced
        byte[] bad = "{\"Description\":\"\u00c0\u00a2\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertError(send(fixture.alice, "CreateKey", bad, bad), 400, "ValidationException");
        bad = "{\"Description\":\"\u0080\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertError(send(fixture.alice, "CreateKey", bad, bad), 400, "ValidationException");
        assertEquals(keys, keyCount(), "nothing created");
        assertTrue(fixture.eventsSince(from).stream().noneMatch(e -> e.operation() == AuditOperation.CREATE_KEY
                || e.operation() == AuditOperation.ENCRYPT), fixture.eventsSince(from).toString());
        // an unknown member is ignored, as AWS ignores it (JsonInput), and does not change what runs
        var r = send(fixture.alice, "DescribeKey", "{\"KeyId\":\"" + key + "\",\"KeyId2\":\"x\",\"Extra\":{\"a\":[1,2]}}");
        assertEquals(200, r.status(), r.body());
    }

    // ------------------------------------------------------------------ refused: key references

    @Test
    void anArnOfAnotherAccountOrRegionNamesNoKeyHere() throws Exception {
        int from = fixture.audit.size();
        String[] refs = {
            "arn:aws:kms:" + ServerFixture.REGION + ":111111111111:key/" + key,
            "arn:aws:kms:us-east-1:000000000000:key/" + key,
            "arn:aws:kms:" + ServerFixture.REGION + ":111111111111:alias/payments",
            "arn:aws-cn:kms:" + ServerFixture.REGION + ":000000000000:key/" + key,
            "arn:aws:kms:" + ServerFixture.REGION + ":000000000000:key/" + key + "/x",
            "arn:aws:kms:" + ServerFixture.REGION + ":000000000000:alias/",
            "payments",
        };
        for (String ref : refs) {
            assertError(send(fixture.alice, "DisableKey", "{\"KeyId\":\"" + ref + "\"}"), 400, "NotFoundException");
        }
        assertTrue(alice.describeKey(b -> b.keyId(key)).keyMetadata().enabled(), "the key was not touched");
        assertTrue(fixture.eventsSince(from).stream().noneMatch(e -> e.operation() == AuditOperation.DISABLE_KEY));
        // this server's own ARNs, the key id in upper case, the alias ARN: the same key
        for (String ref : List.of("arn:aws:kms:" + ServerFixture.REGION + ":000000000000:key/" + key.toUpperCase(),
                "arn:aws:kms:" + ServerFixture.REGION + ":000000000000:alias/payments", key.toUpperCase())) {
            var r = send(fixture.alice, "DescribeKey", "{\"KeyId\":\"" + ref + "\"}");
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("\"KeyId\":\"" + key + "\""), r.body());
        }
    }

    // ------------------------------------------------------------------ refused: errors and audit

    @Test
    void aKeyUserRefusedLearnsNoMaterialAndIsAuditedOnceAsItself() throws Exception {
        SdkBytes blob = alice.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("top secret text"))).ciphertextBlob();
        String b64 = java.util.Base64.getEncoder().encodeToString(blob.asByteArray());
        int from = fixture.audit.size();
        var r = send(fixture.app, "Decrypt", "{\"CiphertextBlob\":\"" + b64 + "\"}");
        assertError(r, 400, "AccessDeniedException");
        assertFalse(r.body().contains("top secret") || r.body().contains("dG9wIHNlY3JldA"), r.body());
        List<AuditEvent> events = fixture.eventsSince(from);
        assertEquals(1, events.size(), events.toString());
        assertEquals(AuditOperation.DECRYPT, events.get(0).operation());
        assertEquals(AuditOutcome.DENIED, events.get(0).outcome());
        assertEquals("app", events.get(0).principal());
        assertEquals("access-key " + fixture.app.id() + " from 127.0.0.1", events.get(0).principalSource());
        // the request id sent back is the event's
        assertNotNull(events.get(0).requestId());

        // a key user granted the key: one event per request, as itself, with the request id sent back
        String own = alice.createKey(b -> b.policy(POLICY_WITH_APP)).keyMetadata().keyId();
        from = fixture.audit.size();
        r = send(fixture.app, "Encrypt", "{\"KeyId\":\"" + own + "\",\"Plaintext\":\"AAAA\"}");
        assertEquals(200, r.status(), r.body());
        events = fixture.eventsSince(from);
        assertEquals(1, events.size(), events.toString());
        assertEquals("app", events.get(0).principal());
        assertEquals(AuditOperation.ENCRYPT, events.get(0).operation());
    }

    @Test
    void theServersFailureSaysNothingOfItsInternals() {
        KmsError e = ErrorMapping.of(new IllegalStateException("/var/lib/kms/keys.kms: jdbc:postgresql://db password=hunter2"));
        assertEquals(500, e.status());
        assertEquals("KMSInternalException", e.type());
        assertFalse(e.getMessage().contains("hunter2") || e.getMessage().contains("/var/lib"), e.getMessage());
    }
}
