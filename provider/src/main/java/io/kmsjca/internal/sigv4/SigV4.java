package io.kmsjca.internal.sigv4;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * AWS Signature Version 4 (the "Signature Version 4 signing process" of the IAM user guide), the
 * parts a signer and a verifier share: the canonical request, the string to sign and the signing
 * key. The server verifies with it ({@code io.kmsjca.server}); the remote client signs with it.
 * Only what the AWS KMS JSON protocol uses: header authorization, a body hashed in full
 * (never {@code UNSIGNED-PAYLOAD}), no session token.
 */
public final class SigV4 {

    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    public static final String TERMINATOR = "aws4_request";
    private static final HexFormat HEX = HexFormat.of();

    private SigV4() {
    }

    /**
     * The canonical request.
     *
     * @param method        the HTTP method, as sent
     * @param path          the request path, already URI-encoded as sent ({@code /} for the JSON protocol)
     * @param query         the raw query string, or null/empty
     * @param headers       the request's headers: names in any case, each with its values in order
     * @param signedHeaders the lower-case header names the signature covers, sorted
     * @param payloadHash   the lower-case hex SHA-256 of the body
     */
    public static String canonicalRequest(String method, String path, String query, Map<String, List<String>> headers,
                                          List<String> signedHeaders, String payloadHash) {
        Map<String, List<String>> byName = new TreeMap<>();
        headers.forEach((name, values) ->
                byName.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append('\n').append(path.isEmpty() ? "/" : path).append('\n')
                .append(canonicalQuery(query)).append('\n');
        for (String name : signedHeaders) {
            List<String> values = byName.getOrDefault(name, List.of());
            sb.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(trimAll(values.get(i)));
            }
            sb.append('\n');
        }
        sb.append('\n').append(String.join(";", signedHeaders)).append('\n').append(payloadHash);
        return sb.toString();
    }

    /** The string to sign: algorithm, the request's {@code X-Amz-Date}, the scope, the canonical request's hash. */
    public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    }

    /** {@code date/region/service/aws4_request}. */
    public static String scope(String date, String region, String service) {
        return date + '/' + region + '/' + service + '/' + TERMINATOR;
    }

    /**
     * The signing key of one day, region and service: HMAC chain from {@code "AWS4" + secret}.
     * The caller wipes {@code secret}; the intermediate keys are wiped here.
     */
    public static byte[] signingKey(byte[] secret, String date, String region, String service) {
        byte[] seed = new byte[4 + secret.length];
        System.arraycopy("AWS4".getBytes(StandardCharsets.US_ASCII), 0, seed, 0, 4);
        System.arraycopy(secret, 0, seed, 4, secret.length);
        byte[] kDate = hmac(seed, date);
        byte[] kRegion = hmac(kDate, region);
        byte[] kService = hmac(kRegion, service);
        byte[] kSigning = hmac(kService, TERMINATOR);
        Arrays.fill(seed, (byte) 0);
        Arrays.fill(kDate, (byte) 0);
        Arrays.fill(kRegion, (byte) 0);
        Arrays.fill(kService, (byte) 0);
        return kSigning;
    }

    /** HMAC-SHA256 of {@code data} (UTF-8) under {@code key}. */
    public static byte[] hmac(byte[] key, String data) {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** The query's parameters sorted by name then value, each already encoded as sent. */
    static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>(List.of(query.split("&")));
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.get(i).indexOf('=') < 0) {
                pairs.set(i, pairs.get(i) + '=');
            }
        }
        pairs.sort(null);
        return String.join("&", pairs);
    }

    /** A header value with leading and trailing spaces removed and runs of spaces made one. */
    static String trimAll(String value) {
        String v = value.strip();
        return v.contains("  ") ? v.replaceAll(" +", " ") : v; // the common case needs no regular expression
    }
}
