package io.kmsjca.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AlreadyExistsException;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each refusal as AWS KMS sends it: its error type (the SDK's exception class), its status, and a message without secrets. */
class KmsServerErrorsTest {

    @TempDir
    Path dir;
    ServerFixture fixture;
    KmsClient alice;
    String key;
    SdkBytes blob;

    @BeforeEach
    void setUp() throws Exception {
        fixture = new ServerFixture(dir).start();
        alice = fixture.client(fixture.alice);
        key = alice.createKey(b -> b.description("k")).keyMetadata().keyId();
        blob = alice.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("secret payload"))).ciphertextBlob();
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    @Test
    void anUnknownKeyIsNotFound() {
        String unknown = UUID.randomUUID().toString();
        var e = assertThrows(NotFoundException.class, () -> alice.describeKey(b -> b.keyId(unknown)));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains(unknown), e.getMessage());
        assertThrows(NotFoundException.class, () -> alice.encrypt(b -> b.keyId("alias/nothing")
                .plaintext(SdkBytes.fromUtf8String("x"))));
        assertThrows(NotFoundException.class, () -> alice.describeKey(b -> b.keyId("arn:aws:kms:us-east-1:000000000000:key/" + key)),
                "an ARN of another region names no key here");
        assertThrows(NotFoundException.class, () -> alice.describeKey(b -> b.keyId("not a key id")));
    }

    @Test
    void aDisabledKeyIsDisabledException() {
        alice.disableKey(b -> b.keyId(key));
        var e = assertThrows(DisabledException.class, () -> alice.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("x"))));
        assertEquals(400, e.statusCode());
        assertThrows(DisabledException.class, () -> alice.decrypt(b -> b.ciphertextBlob(blob)));
        assertThrows(DisabledException.class, () -> alice.generateDataKey(b -> b.keyId(key).numberOfBytes(32)));
    }

    @Test
    void aKeyPendingDeletionIsInvalidState() {
        alice.scheduleKeyDeletion(b -> b.keyId(key).pendingWindowInDays(7));
        var e = assertThrows(KmsInvalidStateException.class, () -> alice.decrypt(b -> b.ciphertextBlob(blob)));
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("PendingDeletion"), e.getMessage());
        assertThrows(KmsInvalidStateException.class, () -> alice.enableKey(b -> b.keyId(key)));
    }

    @Test
    void anAlteredOrForeignCiphertextIsInvalidCiphertext() {
        byte[] altered = blob.asByteArray();
        altered[altered.length - 1] ^= 1;
        var e = assertThrows(InvalidCiphertextException.class, () -> alice.decrypt(b -> b.ciphertextBlob(SdkBytes.fromByteArray(altered))));
        assertEquals(400, e.statusCode());
        assertThrows(InvalidCiphertextException.class, () -> alice.decrypt(b -> b.ciphertextBlob(SdkBytes.fromUtf8String("not a blob"))));
        assertThrows(InvalidCiphertextException.class, () -> alice.decrypt(b -> b.ciphertextBlob(blob)
                .encryptionContext(Map.of("tenant", "other"))), "another encryption context");
    }

    @Test
    void aCiphertextOfAnotherKeyThanTheKeyIdNamedIsIncorrectKey() {
        String other = alice.createKey(b -> b.description("other")).keyMetadata().keyId();
        var e = assertThrows(IncorrectKeyException.class, () -> alice.decrypt(b -> b.ciphertextBlob(blob).keyId(other)));
        assertEquals(400, e.statusCode());
        assertThrows(IncorrectKeyException.class, () -> alice.reEncrypt(b -> b.ciphertextBlob(blob).sourceKeyId(other)
                .destinationKeyId(other)));
    }

    @Test
    void aKeyUserRefusedByTheKeyPolicyIsAccessDenied() {
        alice.putKeyPolicy(b -> b.keyId(key).policyName("default").policy("""
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "kms:*", "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "app"}, "Action": "kms:Encrypt", "Resource": "*"}]}"""));
        KmsClient app = fixture.client(fixture.app);
        SdkBytes mine = app.encrypt(b -> b.keyId(key).plaintext(SdkBytes.fromUtf8String("allowed"))).ciphertextBlob();
        var e = assertThrows(KmsException.class, () -> app.decrypt(b -> b.ciphertextBlob(mine)));
        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        assertEquals(400, e.statusCode());
        assertTrue(e.getMessage().contains("'app'") && e.getMessage().contains("kms:Decrypt"), e.getMessage());
        assertEquals("AccessDeniedException", assertThrows(KmsException.class, () -> app.disableKey(b -> b.keyId(key)))
                .awsErrorDetails().errorCode());
        assertEquals("allowed", alice.decrypt(b -> b.ciphertextBlob(mine)).plaintext().asUtf8String());
    }

    @Test
    void aBadSecretIsInvalidSignature() {
        KmsClient forged = fixture.client(new ServerFixture.AccessKey(fixture.alice.id(), "x".repeat(40)));
        var e = assertThrows(KmsException.class, () -> forged.listKeys(b -> { }));
        assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
        assertEquals(400, e.statusCode());
        assertFalse(e.getMessage().contains(fixture.alice.secret()));
        assertEquals(SigV4Verifier.SIGNATURE_MISMATCH, e.awsErrorDetails().errorMessage());
    }

    @Test
    void anUnknownAccessKeyIsUnrecognizedClient() {
        KmsClient stranger = fixture.client(new ServerFixture.AccessKey("KMSAAAAAAAAAAAAAAAAA", fixture.alice.secret()));
        var e = assertThrows(KmsException.class, () -> stranger.listKeys(b -> { }));
        assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
        assertEquals(400, e.statusCode());
    }

    @Test
    void aDuplicateAliasIsRefused() {
        alice.createAlias(b -> b.aliasName("alias/taken").targetKeyId(key));
        var e = assertThrows(KmsException.class, () -> alice.createAlias(b -> b.aliasName("alias/taken").targetKeyId(key)));
        assertEquals(400, e.statusCode());
        assertTrue(e instanceof AlreadyExistsException, e.awsErrorDetails().errorCode() + ": " + e.getMessage());
    }

    @Test
    void unsupportedKeySpecsAreRefusedNotIgnored() {
        assertThrows(UnsupportedOperationException.class, () -> alice.createKey(b -> b.keySpec("SM2").keyUsage("SIGN_VERIFY")));
        // a usage the (default, symmetric) spec does not allow is AWS's ValidationException
        var usage = assertThrows(KmsException.class, () -> alice.createKey(b -> b.keyUsage("SIGN_VERIFY")));
        assertEquals("ValidationException", usage.awsErrorDetails().errorCode());
        assertThrows(UnsupportedOperationException.class, () -> alice.encrypt(b -> b.keyId(key).dryRun(true)
                .plaintext(SdkBytes.fromUtf8String("x"))));
    }

    @Test
    void aStaleOrFutureDateIsInvalidSignature() throws Exception {
        Instant now = Instant.now();
        var stale = new RawRequest(fixture.server.endpoint(), "ListKeys", now.minus(Duration.ofMinutes(6)))
                .send(fixture.server.endpoint(), fixture.alice);
        assertEquals(400, stale.status());
        assertTrue(stale.body().contains("\"InvalidSignatureException\"") && stale.body().contains("Signature expired"), stale.body());
        var future = new RawRequest(fixture.server.endpoint(), "ListKeys", now.plus(Duration.ofMinutes(6)))
                .send(fixture.server.endpoint(), fixture.alice);
        assertTrue(future.body().contains("\"InvalidSignatureException\"") && future.body().contains("not yet current"), future.body());
        var fresh = new RawRequest(fixture.server.endpoint(), "ListKeys", now).send(fixture.server.endpoint(), fixture.alice);
        assertEquals(200, fresh.status(), fresh.body());
        assertTrue(fresh.body().contains(key), "the same request signed now is served: " + fresh.body());
    }

    @Test
    void aCredentialScopeOfAnotherDayThanTheRequestDateIsRefused() throws Exception {
        Instant now = Instant.now();
        var request = new RawRequest(fixture.server.endpoint(), "ListKeys", now);
        request.credentialDate = RawRequest.AMZ_DATE.format(now.minus(Duration.ofDays(1))).substring(0, 8);
        var r = request.send(fixture.server.endpoint(), fixture.alice);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("\"InvalidSignatureException\"") && r.body().contains("Credential scope"), r.body());
    }

    @Test
    void anUnsignedTargetIsRefusedSoARequestCannotBeReplayedAsAnother() throws Exception {
        var request = new RawRequest(fixture.server.endpoint(), "ListKeys", Instant.now());
        request.signedHeaders = List.of("content-type", "host", "x-amz-date");
        var r = request.send(fixture.server.endpoint(), fixture.alice);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("\"InvalidSignatureException\"") && r.body().contains("x-amz-target"), r.body());
    }

    @Test
    void anUnsignedPayloadIsRefused() throws Exception {
        var request = new RawRequest(fixture.server.endpoint(), "ListKeys", Instant.now());
        request.headers.put("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
        request.payloadHash = "UNSIGNED-PAYLOAD";
        request.signedHeaders = List.of("content-type", "host", "x-amz-content-sha256", "x-amz-date", "x-amz-target");
        var r = request.send(fixture.server.endpoint(), fixture.alice);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("\"InvalidSignatureException\"") && r.body().contains("UNSIGNED-PAYLOAD"), r.body());
    }

    @Test
    void aSignatureForAnotherRegionOrServiceIsRefused() throws Exception {
        var otherRegion = new RawRequest(fixture.server.endpoint(), "ListKeys", Instant.now());
        otherRegion.region = "us-east-1";
        var r = otherRegion.send(fixture.server.endpoint(), fixture.alice);
        assertTrue(r.body().contains("\"InvalidSignatureException\"") && r.body().contains("region"), r.body());
        var otherService = new RawRequest(fixture.server.endpoint(), "ListKeys", Instant.now());
        otherService.service = "s3";
        r = otherService.send(fixture.server.endpoint(), fixture.alice);
        assertTrue(r.body().contains("\"InvalidSignatureException\"") && r.body().contains("service"), r.body());
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        var endpoint = fixture.server.endpoint();
        // the body is never sent: the server answers from the Content-Length alone
        String head = "POST / HTTP/1.1\r\nHost: " + endpoint.getHost() + ":" + endpoint.getPort()
                + "\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.CreateKey\r\n"
                + "Content-Length: " + (RequestBody.MAX_BYTES + 1) + "\r\n\r\n";
        var r = RawRequest.exchange(endpoint, head.getBytes(), new byte[0]);
        assertEquals(413, r.status());
        assertTrue(r.body().contains("\"ValidationException\""), r.body());
        int keys = alice.listKeys(b -> { }).keys().size();
        assertEquals(1, keys, "nothing was created");
    }

    @Test
    void anUnknownOperationOrMalformedBodyIsRefused() throws Exception {
        var r = new RawRequest(fixture.server.endpoint(), "LaunchMissiles", Instant.now()).send(fixture.server.endpoint(), fixture.alice);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("\"UnknownOperationException\""), r.body());
        r = new RawRequest(fixture.server.endpoint(), "ListKeys", Instant.now()).body("{\"Limit\": 1, \"Limit\": 2}")
                .send(fixture.server.endpoint(), fixture.alice);
        assertEquals(400, r.status());
        assertTrue(r.body().contains("\"SerializationException\"") && r.body().contains("duplicate"), r.body());
        r = new RawRequest(fixture.server.endpoint(), "ListKeys", Instant.now()).body("{\"Limit\": 5000}")
                .send(fixture.server.endpoint(), fixture.alice);
        assertTrue(r.body().contains("\"ValidationException\"") && r.body().contains("Limit"), r.body());
    }

    @Test
    void aRequestWithoutAuthorizationIsRefused() throws Exception {
        var endpoint = fixture.server.endpoint();
        String head = "POST / HTTP/1.1\r\nHost: " + endpoint.getHost() + ":" + endpoint.getPort()
                + "\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.ListKeys\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n";
        var r = RawRequest.exchange(endpoint, head.getBytes(), "{}".getBytes());
        assertEquals(400, r.status());
        assertTrue(r.body().contains("\"MissingAuthenticationTokenException\""), r.body());
        assertFalse(r.body().contains(key));
    }
}
