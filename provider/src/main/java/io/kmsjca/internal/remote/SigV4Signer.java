package io.kmsjca.internal.remote;

import io.kmsjca.internal.sigv4.SigV4;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Signs requests with AWS Signature Version 4 ({@link SigV4} has the shared canonical forms): the
 * client's side. A KMS request signs {@code content-type}, {@code host}, {@code x-amz-date} and
 * {@code x-amz-target}, and its whole body. The signing key of the current day is kept (four
 * HMACs saved per request) and wiped when the day changes or the signer is closed; the secret
 * itself stays in the {@link RemoteSettings}, which wipe it.
 */
final class SigV4Signer {

    static final String SERVICE = "kms";
    static final List<String> SIGNED_HEADERS = List.of("content-type", "host", "x-amz-date", "x-amz-target");
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final String accessKeyId;
    private final byte[] secret;
    private final String region;
    private final String service;
    private String keyDate;
    private byte[] signingKey;

    SigV4Signer(String accessKeyId, byte[] secret, String region, String service) {
        this.accessKeyId = accessKeyId;
        this.secret = secret;
        this.region = region;
        this.service = service;
    }

    /** {@code X-Amz-Date} of {@code now}: {@code yyyyMMdd'T'HHmmss'Z'}. */
    static String amzDate(Instant now) {
        return AMZ_DATE.format(now);
    }

    /**
     * The {@code Authorization} header of a request.
     *
     * @param headers       the request's headers, at least those in {@code signedHeaders}
     * @param signedHeaders lower-case, sorted
     */
    String authorization(String method, String path, String query, Map<String, List<String>> headers,
                         List<String> signedHeaders, byte[] body, String amzDate) {
        String date = amzDate.substring(0, 8);
        String canonical = SigV4.canonicalRequest(method, path, query, headers, signedHeaders,
                SigV4.hex(SigV4.sha256(body)));
        String scope = SigV4.scope(date, region, service);
        String signature = sign(date, SigV4.stringToSign(amzDate, scope, canonical).getBytes(StandardCharsets.UTF_8));
        return SigV4.ALGORITHM + " Credential=" + accessKeyId + "/" + scope + ", SignedHeaders="
                + String.join(";", signedHeaders) + ", Signature=" + signature;
    }

    /**
     * The hex signature of {@code stringToSign} under the signing key of {@code date}, derived once a
     * day; under the lock, so that no other thread wipes the key while it signs.
     */
    private synchronized String sign(String date, byte[] stringToSign) {
        if (!date.equals(keyDate)) {
            if (signingKey != null) {
                Arrays.fill(signingKey, (byte) 0);
            }
            signingKey = SigV4.signingKey(secret, date, region, service);
            keyDate = date;
        }
        return SigV4.hex(SigV4.hmac(signingKey, stringToSign));
    }

    /** Wipes the day's signing key. */
    synchronized void close() {
        if (signingKey != null) {
            Arrays.fill(signingKey, (byte) 0);
            signingKey = null;
        }
        keyDate = null;
    }
}
