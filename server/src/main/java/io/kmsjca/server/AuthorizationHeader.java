package io.kmsjca.server;

import io.kmsjca.internal.sigv4.SigV4;

import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A parsed SigV4 {@code Authorization} header:
 * {@code AWS4-HMAC-SHA256 Credential=ID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b;c, Signature=HEX}.
 * Bounded before it is split; a header that is not of this form is AWS's IncompleteSignatureException.
 */
record AuthorizationHeader(String accessKeyId, String date, String region, String service, String terminator,
                           List<String> signedHeaders, byte[] signature) {

    static final int MAX_CHARS = 4096;
    static final int MAX_SIGNED_HEADERS = 64;
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Z0-9]{16,128}");
    private static final Pattern DATE = Pattern.compile("[0-9]{8}");
    private static final Pattern SCOPE_PART = Pattern.compile("[a-z0-9-_]{1,64}");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]{1,128}");
    private static final Pattern SIGNATURE = Pattern.compile("[0-9a-f]{64}");

    static AuthorizationHeader parse(String header) throws KmsError {
        if (header.length() > MAX_CHARS) {
            throw KmsError.incompleteSignature("Authorization header is longer than " + MAX_CHARS + " characters");
        }
        String prefix = SigV4.ALGORITHM + " ";
        if (!header.startsWith(prefix)) {
            throw KmsError.incompleteSignature("Authorization header requires the " + SigV4.ALGORITHM + " algorithm");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : header.substring(prefix.length()).split(",", 4)) {
            String p = part.strip();
            if (p.startsWith("Credential=") && credential == null) {
                credential = p.substring(11);
            } else if (p.startsWith("SignedHeaders=") && signedHeaders == null) {
                signedHeaders = p.substring(14);
            } else if (p.startsWith("Signature=") && signature == null) {
                signature = p.substring(10);
            } else {
                throw KmsError.incompleteSignature("Authorization header has an unexpected or repeated element");
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw KmsError.incompleteSignature("Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters");
        }
        String[] scope = credential.split("/", -1);
        if (scope.length != 5 || !ACCESS_KEY_ID.matcher(scope[0]).matches() || !DATE.matcher(scope[1]).matches()
                || !SCOPE_PART.matcher(scope[2]).matches() || !SCOPE_PART.matcher(scope[3]).matches()
                || !SCOPE_PART.matcher(scope[4]).matches()) {
            throw KmsError.incompleteSignature("Credential must be ACCESS_KEY_ID/YYYYMMDD/REGION/SERVICE/aws4_request");
        }
        String[] names = signedHeaders.split(";", -1);
        if (names.length > MAX_SIGNED_HEADERS) {
            throw KmsError.incompleteSignature("SignedHeaders names more than " + MAX_SIGNED_HEADERS + " headers");
        }
        for (int i = 0; i < names.length; i++) {
            if (!HEADER_NAME.matcher(names[i]).matches() || (i > 0 && names[i].compareTo(names[i - 1]) <= 0)) {
                throw KmsError.incompleteSignature("SignedHeaders must be lower-case header names, sorted, each once");
            }
        }
        if (!SIGNATURE.matcher(signature).matches()) {
            throw KmsError.incompleteSignature("Signature must be 64 lower-case hexadecimal digits");
        }
        return new AuthorizationHeader(scope[0], scope[1], scope[2], scope[3], scope[4], List.of(names),
                HexFormat.of().parseHex(signature));
    }
}
