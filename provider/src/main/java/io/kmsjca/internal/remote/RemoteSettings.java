package io.kmsjca.internal.remote;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Where a kms-jca server is and how to reach it: its URL, the region requests are signed for, the
 * access key (its secret as bytes, wiped by {@link #wipe()}), the certificates to trust for its TLS
 * (none: the JDK's), timeouts and retries. Plain HTTP is accepted for a loopback address only, as
 * the server serves it there only: a data key's plaintext travels in GenerateDataKey's response.
 */
public final class RemoteSettings {

    /** Hosts plain HTTP may name: the loopback interface. */
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final URI endpoint;
    private final String region;
    private final String accessKeyId;
    private final byte[] secretAccessKey;
    private final List<X509Certificate> trusted;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final int maxAttempts;
    private final Duration retryBaseDelay;
    private final Clock clock;

    private RemoteSettings(URI endpoint, String region, String accessKeyId, byte[] secretAccessKey,
                           List<X509Certificate> trusted, Duration connectTimeout, Duration requestTimeout,
                           int maxAttempts, Duration retryBaseDelay, Clock clock) {
        this.endpoint = endpoint;
        this.region = region;
        this.accessKeyId = accessKeyId;
        this.secretAccessKey = secretAccessKey;
        this.trusted = trusted;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.maxAttempts = maxAttempts;
        this.retryBaseDelay = retryBaseDelay;
        this.clock = clock;
    }

    /**
     * Settings with the defaults: 5 s to connect, 30 s per request, 3 attempts of a safe request,
     * backoff from 100 ms.
     *
     * @param secretAccessKey taken over (not copied): wiped by {@link #wipe()}
     * @throws IllegalArgumentException the URL is not {@code https://host[:port]} (or {@code http://}
     *                                  on loopback), or a value is empty
     */
    public static RemoteSettings of(String url, String region, String accessKeyId, byte[] secretAccessKey) {
        URI uri;
        try {
            uri = check(url, region);
        } catch (IllegalArgumentException e) {
            Arrays.fill(secretAccessKey, (byte) 0);
            throw e;
        }
        if (accessKeyId == null || !accessKeyId.matches("[A-Za-z0-9]{16,128}")) {
            Arrays.fill(secretAccessKey, (byte) 0);
            throw new IllegalArgumentException("the access key id must be 16..128 letters and digits");
        }
        if (secretAccessKey.length == 0 || secretAccessKey.length > 128) {
            Arrays.fill(secretAccessKey, (byte) 0);
            throw new IllegalArgumentException("the secret access key must be 1..128 characters");
        }
        return new RemoteSettings(uri, region, accessKeyId, secretAccessKey, List.of(), Duration.ofSeconds(5),
                Duration.ofSeconds(30), 3, Duration.ofMillis(100), Clock.systemUTC());
    }

    /**
     * Checks a server's URL and a region.
     *
     * @return the URL requests are posted to
     * @throws IllegalArgumentException either is not valid (see {@link #of})
     */
    public static URI check(String url, String region) {
        URI uri = endpoint(url);
        if (region == null || !region.matches("[a-z0-9-]{1,32}")) {
            throw new IllegalArgumentException("region must be 1..32 of a-z, 0-9 and '-' (e.g. us-east-1), was '" + region + "'");
        }
        return uri;
    }

    /** The server's URL: https, or http on loopback; no path, query or user part. */
    static URI endpoint(String url) {
        URI uri;
        try {
            uri = URI.create(Objects.requireNonNull(url, "store.url").strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("store.url is not a URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            throw new IllegalArgumentException("a kms-jca server's store.url is https://host[:port], not " + url);
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("store.url names the server only (https://host[:port]), not a path, "
                    + "query or user: " + uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
        }
        if (scheme.equals("http") && !LOOPBACK.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("plain http is for a server on loopback only (127.0.0.1, localhost, [::1]): "
                    + "data keys travel in its responses; use https://" + uri.getHost()
                    + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + "/");
    }

    public RemoteSettings withTrusted(List<X509Certificate> certificates) {
        return new RemoteSettings(endpoint, region, accessKeyId, secretAccessKey, List.copyOf(certificates),
                connectTimeout, requestTimeout, maxAttempts, retryBaseDelay, clock);
    }

    /** @param maxAttempts how many times a safe request is tried, 1..10 */
    public RemoteSettings withTimeouts(Duration connect, Duration request, int maxAttempts, Duration retryBaseDelay) {
        checkTimeouts(connect, request, maxAttempts, retryBaseDelay);
        return new RemoteSettings(endpoint, region, accessKeyId, secretAccessKey, trusted, connect, request,
                maxAttempts, retryBaseDelay, clock);
    }

    /** @throws IllegalArgumentException a timeout is not positive, attempts not 1..10, or the retry delay not 0..5000 ms */
    public static void checkTimeouts(Duration connect, Duration request, int maxAttempts, Duration retryBaseDelay) {
        if (connect.isNegative() || connect.isZero() || request.isNegative() || request.isZero()
                || maxAttempts < 1 || maxAttempts > 10 || retryBaseDelay.isNegative() || retryBaseDelay.toMillis() > 5_000) {
            throw new IllegalArgumentException("connect-timeout-ms and request-timeout-ms must be positive, max-attempts "
                    + "1..10, retry-base-delay-ms 0..5000 (the most one backoff waits)");
        }
    }

    /** For tests: the clock that dates requests. */
    public RemoteSettings withClock(Clock c) {
        return new RemoteSettings(endpoint, region, accessKeyId, secretAccessKey, trusted, connectTimeout,
                requestTimeout, maxAttempts, retryBaseDelay, Objects.requireNonNull(c));
    }

    /** {@code https://host:port/}, the URL requests are posted to. */
    public URI endpoint() {
        return endpoint;
    }

    /** The server's URL as a user wrote it (no trailing slash), for messages. */
    public String url() {
        String s = endpoint.toString();
        return s.substring(0, s.length() - 1);
    }

    public String region() {
        return region;
    }

    public String accessKeyId() {
        return accessKeyId;
    }

    /** The secret itself, not a copy: only the signer reads it. */
    byte[] secret() {
        return secretAccessKey;
    }

    List<X509Certificate> trusted() {
        return trusted;
    }

    Duration connectTimeout() {
        return connectTimeout;
    }

    Duration requestTimeout() {
        return requestTimeout;
    }

    int maxAttempts() {
        return maxAttempts;
    }

    Duration retryBaseDelay() {
        return retryBaseDelay;
    }

    Clock clock() {
        return clock;
    }

    /** Overwrites the secret access key (every copy of these settings shares it). */
    public void wipe() {
        Arrays.fill(secretAccessKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "RemoteSettings[" + url() + ", region " + region + ", access key " + accessKeyId + ", secret (hidden)]";
    }
}
