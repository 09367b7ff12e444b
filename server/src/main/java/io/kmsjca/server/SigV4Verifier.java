package io.kmsjca.server;

import io.kmsjca.internal.sigv4.SigV4;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.KeyService;

import java.nio.charset.StandardCharsets;
import java.security.KeyStoreException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates a request signed with AWS Signature Version 4 by one of the store's access keys,
 * and refuses as AWS does: an unknown access key is {@code UnrecognizedClientException}; a bad
 * signature, a date more than five minutes off, a credential scope of another day, region or
 * service, a required header left unsigned, or {@code UNSIGNED-PAYLOAD} is
 * {@code InvalidSignatureException}. The payload hash is always computed from the body. The
 * signatures are compared in constant time; no message echoes a signature or a secret.
 */
final class SigV4Verifier {

    static final String SERVICE = "kms";
    /** AWS's allowed clock skew between a request's X-Amz-Date and the server's clock. */
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    /** The headers a request must sign: the target, or a captured request could be replayed as another operation. */
    static final List<String> REQUIRED_SIGNED = List.of("host", "x-amz-date", "x-amz-target");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    static final String SIGNATURE_MISMATCH = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    private final KeyService service;
    private final String region;
    private final Clock clock;

    SigV4Verifier(KeyService service, String region, Clock clock) {
        this.service = service;
        this.region = region;
        this.clock = clock;
    }

    /**
     * The access key that signed the request.
     *
     * @param headers the request's headers (names in any case)
     */
    AccessKeySigner verify(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body)
            throws KmsError {
        String authorization = single(headers, "Authorization");
        if (authorization == null) {
            throw new KmsError("MissingAuthenticationTokenException", 400, "Missing Authentication Token");
        }
        AuthorizationHeader auth = AuthorizationHeader.parse(authorization);
        String amzDate = single(headers, "X-Amz-Date");
        if (amzDate == null) {
            throw KmsError.incompleteSignature("Authorization requires an X-Amz-Date header");
        }
        Instant requestTime = parseDate(amzDate);
        checkScope(auth, amzDate);
        for (String required : REQUIRED_SIGNED) {
            if (!auth.signedHeaders().contains(required)) {
                throw KmsError.invalidSignature("The " + required + " header must be signed (SignedHeaders)");
            }
        }
        checkSkew(requestTime, amzDate);
        byte[] bodyHash = SigV4.sha256(body);
        String payloadHash = SigV4.hex(bodyHash);
        String declared = single(headers, "X-Amz-Content-Sha256");
        if (declared != null && !declared.equals(payloadHash)) {
            throw KmsError.invalidSignature("UNSIGNED-PAYLOAD".equals(declared)
                    ? "UNSIGNED-PAYLOAD is not accepted: sign the payload's SHA-256"
                    : "The provided 'x-amz-content-sha256' header does not match what was computed.");
        }
        AccessKeySigner signer = signer(auth.accessKeyId());
        String canonical = SigV4.canonicalRequest(method, rawPath, rawQuery, headers, auth.signedHeaders(), payloadHash);
        String stringToSign = SigV4.stringToSign(amzDate, SigV4.scope(auth.date(), auth.region(), auth.service()), canonical);
        byte[] expected;
        try {
            expected = signer.signature(auth.date(), auth.region(), auth.service(),
                    stringToSign.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalStateException deleted) {
            // the key was deleted after the lookup, and its secret wiped: as if it had never been found
            throw unrecognized();
        }
        try {
            if (!MessageDigest.isEqual(expected, auth.signature())) {
                throw KmsError.invalidSignature(SIGNATURE_MISMATCH);
            }
        } finally {
            Arrays.fill(expected, (byte) 0);
        }
        return signer;
    }

    private AccessKeySigner signer(String accessKeyId) throws KmsError {
        Optional<AccessKeySigner> signer;
        try {
            signer = service.accessKey(accessKeyId);
        } catch (KeyStoreException e) {
            // the store does not let this server act for others (refused at start) or failed: not the client's fault
            throw KmsError.internal("the server cannot authenticate requests now");
        }
        return signer.orElseThrow(SigV4Verifier::unrecognized);
    }

    static KmsError unrecognized() {
        return new KmsError("UnrecognizedClientException", 400, "The security token included in the request is invalid.");
    }

    private void checkScope(AuthorizationHeader auth, String amzDate) throws KmsError {
        if (!auth.date().equals(amzDate.substring(0, 8))) {
            throw KmsError.invalidSignature("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of "
                    + "date from HTTP: '" + auth.date() + "' != '" + amzDate.substring(0, 8) + "', from '" + amzDate + "'.");
        }
        if (!auth.region().equals(region)) {
            throw KmsError.invalidSignature("Credential should be scoped to a valid region, not '" + auth.region() + "'.");
        }
        if (!auth.service().equals(SERVICE)) {
            throw KmsError.invalidSignature("Credential should be scoped to correct service: '" + SERVICE + "'.");
        }
        if (!auth.terminator().equals(SigV4.TERMINATOR)) {
            throw KmsError.invalidSignature("Credential should be scoped with a valid terminator: '" + SigV4.TERMINATOR
                    + "', not '" + auth.terminator() + "'.");
        }
    }

    private void checkSkew(Instant requestTime, String amzDate) throws KmsError {
        Instant now = clock.instant();
        String nowText = AMZ_DATE.format(now.atOffset(ZoneOffset.UTC));
        if (requestTime.isBefore(now.minus(MAX_SKEW))) {
            throw KmsError.invalidSignature("Signature expired: " + amzDate + " is now earlier than "
                    + AMZ_DATE.format(now.minus(MAX_SKEW).atOffset(ZoneOffset.UTC)) + " (" + nowText + " - 5 min.)");
        }
        if (requestTime.isAfter(now.plus(MAX_SKEW))) {
            throw KmsError.invalidSignature("Signature not yet current: " + amzDate + " is still later than "
                    + AMZ_DATE.format(now.plus(MAX_SKEW).atOffset(ZoneOffset.UTC)) + " (" + nowText + " + 5 min.)");
        }
    }

    private static Instant parseDate(String amzDate) throws KmsError {
        if (amzDate.length() != 16) {
            throw KmsError.incompleteSignature("X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z'");
        }
        try {
            return LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw KmsError.incompleteSignature("X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z'");
        }
    }

    /** The one value of a header, null when absent; a header sent twice is refused. */
    static String single(Map<String, List<String>> headers, String name) throws KmsError {
        List<String> values = null;
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                if (values != null) {
                    throw KmsError.incompleteSignature("header " + name + " is sent more than once");
                }
                values = e.getValue();
            }
        }
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw KmsError.incompleteSignature("header " + name + " is sent more than once");
        }
        return values.get(0);
    }
}
