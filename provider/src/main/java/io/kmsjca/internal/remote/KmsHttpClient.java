package io.kmsjca.internal.remote;

import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.json.MalformedJsonException;
import io.kmsjca.internal.json.StrictJson;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The AWS KMS JSON protocol over {@link HttpClient}: one client per store, so connections are
 * reused; every request signed with SigV4, with a connect and a request timeout. A safe request
 * (one that changes nothing: Encrypt, Decrypt, GenerateDataKey*, the reads) is tried again after
 * no answer, a 5xx or ThrottlingException, up to the configured attempts, with exponential backoff
 * and jitter; any other request is sent once, since a request that got no answer may have been
 * done. A request's timeout bounds the whole exchange, body included; responses are read bounded
 * ({@link BoundedBody}) and parsed with {@link StrictJson}.
 */
final class KmsHttpClient {

    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** The largest response read: a page of 1000 keys or aliases is far smaller. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;
    private static final int MAX_DEPTH = 8;
    /** The most one backoff waits. */
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    /** Requests that change nothing on the server, so sending one twice is harmless. */
    static final Set<String> SAFE = Set.of("Encrypt", "Decrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext",
            "ReEncrypt", "DescribeKey", "ListKeys", "ListAliases", "ListKeyRotations", "GetKeyRotationStatus",
            "GetKeyPolicy", "ListKeyPolicies", "ListResourceTags", "ListGrants", "ListRetirableGrants",
            "Sign", "Verify", "GetPublicKey", "DeriveSharedSecret", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext");

    private final RemoteSettings settings;
    private final HttpClient http;
    private final SigV4Signer signer;
    /** The Host header as HttpClient writes it: the port only when not the scheme's default. */
    private final String host;
    private volatile boolean closed;

    KmsHttpClient(RemoteSettings settings) {
        this.settings = settings;
        this.signer = new SigV4Signer(settings.accessKeyId(), settings.secret(), settings.region(), SigV4Signer.SERVICE);
        this.host = hostHeader(settings.endpoint());
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1) // the AWS KMS protocol; no h2c upgrade on plain http
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER); // a signed request goes to the configured server only
        if (!settings.trusted().isEmpty()) {
            b.sslContext(trusting(settings.trusted()));
        }
        this.http = b.build();
    }

    /** The Host header the JDK sends for {@code uri} (as its HTTP/1.1 request writer forms it). */
    static String hostHeader(URI uri) {
        int port = uri.getPort();
        boolean defaultPort = port == -1 || port == ("https".equals(uri.getScheme()) ? 443 : 80);
        return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
    }

    private static SSLContext trusting(List<X509Certificate> certificates) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                trust.setCertificateEntry("trusted-" + i, certificates.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), KmsRandom.generator());
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot trust the configured certificates: " + e.getMessage(), e);
        }
    }

    String url() {
        return settings.url();
    }

    /** Sends {@code TrentService.<operation>} with {@code body}; the answer's members, read as checked {@link Fields}. */
    Fields fields(String operation, JsonBody body) throws RemoteFailure {
        return new Fields(call(operation, body.toBytes()), settings.url(), operation);
    }

    /**
     * {@link #fields} for a management call on {@code key} (null: on the store), as IAM action
     * {@code action}: an AWS error becomes the embedded mode's exception ({@link RemoteErrors#management}).
     */
    Fields manage(String operation, JsonBody body, String action, String key) throws java.security.KeyStoreException {
        try {
            return fields(operation, body);
        } catch (RemoteFailure f) {
            throw RemoteErrors.management(f, action, key);
        }
    }

    /**
     * Sends {@code TrentService.<operation>} with {@code body}, which is wiped afterwards.
     *
     * @return the response's JSON object
     * @throws RemoteFailure no answer after the attempts a safe request gets (one otherwise), or an AWS error
     */
    Map<String, Object> call(String operation, byte[] body) throws RemoteFailure {
        if (closed) {
            Arrays.fill(body, (byte) 0);
            throw RemoteFailure.closed(settings.url(), operation);
        }
        int attempts = SAFE.contains(operation) ? settings.maxAttempts() : 1;
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return once(operation, body);
                } catch (RemoteFailure f) {
                    if (!f.retryable() || attempt >= attempts || !backoff(attempt)) {
                        throw f;
                    }
                }
            }
        } finally {
            Arrays.fill(body, (byte) 0);
        }
    }

    /**
     * Waits before attempt {@code attempt + 1}: half of min(cap, base * 2^(attempt-1)), plus a random
     * part up to the other half ("equal jitter"), so clients that failed together do not retry together.
     *
     * @return false if the thread was interrupted (it stays interrupted; no further attempt)
     */
    private boolean backoff(int attempt) {
        long base = settings.retryBaseDelay().toMillis();
        if (base == 0) {
            return true;
        }
        long ceiling = Math.min(MAX_BACKOFF_MILLIS, base << Math.min(attempt - 1, 20));
        long wait = ceiling / 2 + KmsRandom.generator().nextLong(ceiling / 2 + 1);
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Map<String, Object> once(String operation, byte[] body) throws RemoteFailure {
        String amzDate = SigV4Signer.amzDate(settings.clock().instant());
        String target = "TrentService." + operation;
        Map<String, List<String>> signed = Map.of("content-type", List.of(CONTENT_TYPE), "host", List.of(host),
                "x-amz-date", List.of(amzDate), "x-amz-target", List.of(target));
        String authorization = signer.authorization("POST", "/", "", signed, SigV4Signer.SIGNED_HEADERS, body, amzDate);
        HttpRequest request = HttpRequest.newBuilder(settings.endpoint())
                .timeout(settings.requestTimeout())
                .header("Content-Type", CONTENT_TYPE)
                .header("X-Amz-Date", amzDate)
                .header("X-Amz-Target", target)
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        int status;
        byte[] response;
        String errorHeader;
        // one deadline for the whole exchange: HttpRequest.timeout ends when the headers arrive
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, info -> new BoundedBody(MAX_RESPONSE_BYTES));
        try {
            HttpResponse<byte[]> r = pending.get(settings.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
            status = r.statusCode();
            errorHeader = r.headers().firstValue("x-amzn-ErrorType").orElse(null);
            response = r.body();
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw RemoteFailure.unreachable(settings.url(), operation, new HttpTimeoutException("no complete response within "
                    + settings.requestTimeout().toMillis() + " ms"));
        } catch (ExecutionException e) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof BoundedBody.TooLong) {
                    throw RemoteFailure.protocol(settings.url(), operation, c.getMessage());
                }
            }
            throw RemoteFailure.unreachable(settings.url(), operation, e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw RemoteFailure.unreachable(settings.url(), operation, e);
        }
        try {
            if (response.length > MAX_RESPONSE_BYTES) {
                throw RemoteFailure.protocol(settings.url(), operation, "a response longer than " + MAX_RESPONSE_BYTES + " bytes");
            }
            Map<String, Object> json = parse(operation, status, response);
            if (status == 200) {
                return json;
            }
            return failed(operation, status, json, errorHeader);
        } finally {
            Arrays.fill(response, (byte) 0); // a data key's plaintext may be in it
        }
    }

    private Map<String, Object> failed(String operation, int status, Map<String, Object> json, String errorHeader)
            throws RemoteFailure {
        String type = json != null && json.get("__type") instanceof String t ? t : errorHeader;
        if (type == null) {
            throw status >= 500 ? RemoteFailure.answered(settings.url(), operation, status, "ServiceUnavailable", "HTTP " + status)
                    : RemoteFailure.protocol(settings.url(), operation, "HTTP " + status + " and no AWS error type");
        }
        type = type.substring(type.lastIndexOf('#') + 1); // com.amazonaws.kms#NotFoundException
        int colon = type.indexOf(':'); // x-amzn-ErrorType: NotFoundException:http://...
        type = colon < 0 ? type : type.substring(0, colon);
        Object message = json == null ? null : json.containsKey("message") ? json.get("message") : json.get("Message");
        throw RemoteFailure.answered(settings.url(), operation, status, type,
                message instanceof String m ? m : "(no message)");
    }

    /** The response as a JSON object: required for a 200, optional for an error (a proxy's 502 page is not JSON). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> parse(String operation, int status, byte[] response) throws RemoteFailure {
        Object json;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(response)).toString();
            json = StrictJson.parse(text.isEmpty() && status == 200 ? "{}" : text, MAX_RESPONSE_BYTES, MAX_DEPTH);
        } catch (CharacterCodingException | MalformedJsonException e) {
            if (status != 200) {
                return null;
            }
            throw RemoteFailure.protocol(settings.url(), operation, "a body that is not JSON: " + e.getMessage());
        }
        if (!(json instanceof Map)) {
            if (status != 200) {
                return null;
            }
            throw RemoteFailure.protocol(settings.url(), operation, "JSON that is not an object");
        }
        return (Map<String, Object>) json;
    }

    /** Wipes the signing key (the settings' owner wipes the secret). */
    void close() {
        closed = true;
        signer.close();
    }
}
