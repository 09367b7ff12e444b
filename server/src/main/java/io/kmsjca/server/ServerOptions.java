package io.kmsjca.server;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link KmsServer} listens and names keys. Immutable; made with {@link #builder()}:
 * <pre>{@code
 * ServerOptions.builder().port(8443).tls(sslContext).region("eu-west-1").account("123456789012").build();
 * ServerOptions.builder().plainHttp().build();   // loopback only, any free port: tests and local development
 * }</pre>
 * Defaults: loopback, port 0 (any free port), region {@code local}, account {@code 000000000000},
 * twice the processors' threads (at least 4), a 30-second grace period. Either an {@code SSLContext}
 * or plain HTTP must be chosen; plain HTTP binds to a loopback address only.
 */
public final class ServerOptions {

    private static final Pattern REGION = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?");
    private static final Pattern ACCOUNT = Pattern.compile("[0-9]{12}");
    /** The most worker threads a server takes. */
    public static final int MAX_THREADS = 1024;

    private final InetAddress bindAddress;
    private final int port;
    private final SSLContext sslContext;
    private final String region;
    private final String account;
    private final int threads;
    private final Duration gracePeriod;
    private final Clock clock;

    private ServerOptions(Builder b) {
        this.bindAddress = b.bindAddress != null ? b.bindAddress : InetAddress.getLoopbackAddress();
        this.port = b.port;
        this.sslContext = b.sslContext;
        this.region = b.region;
        this.account = b.account;
        this.threads = b.threads;
        this.gracePeriod = b.gracePeriod;
        this.clock = b.clock;
        if (sslContext == null && !b.plainHttp) {
            throw new IllegalArgumentException("choose TLS (tls(sslContext)) or plain HTTP on loopback (plainHttp())");
        }
        if (sslContext != null && b.plainHttp) {
            throw new IllegalArgumentException("both TLS and plain HTTP were chosen: choose one");
        }
        if (sslContext == null && !bindAddress.isLoopbackAddress()) {
            throw new IllegalArgumentException("plain HTTP binds to a loopback address only, not " + bindAddress.getHostAddress()
                    + ": serve TLS on any other address");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public InetAddress bindAddress() {
        return bindAddress;
    }

    /** The port to listen on; 0 for any free port ({@link KmsServer#address()} then says which). */
    public int port() {
        return port;
    }

    /** The TLS context, or null for plain HTTP. */
    public SSLContext sslContext() {
        return sslContext;
    }

    public boolean plainHttp() {
        return sslContext == null;
    }

    /** The region in key ARNs, and the one requests must be signed for. */
    public String region() {
        return region;
    }

    /** The 12-digit account in key ARNs. */
    public String account() {
        return account;
    }

    public int threads() {
        return threads;
    }

    /** How long {@link KmsServer#close()} waits for requests in flight. */
    public Duration gracePeriod() {
        return gracePeriod;
    }

    /** The clock a request's {@code X-Amz-Date} is checked against. */
    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "ServerOptions[" + (plainHttp() ? "http" : "https") + "://" + bindAddress.getHostAddress() + ":" + port
                + ", region=" + region + ", account=" + account + ", threads=" + threads + ", grace=" + gracePeriod + "]";
    }

    /** Builds {@link ServerOptions}; every setter checks its value at once. */
    public static final class Builder {
        private InetAddress bindAddress;
        private int port;
        private SSLContext sslContext;
        private boolean plainHttp;
        private String region = "local";
        private String account = "000000000000";
        private int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        private Duration gracePeriod = Duration.ofSeconds(30);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The address to listen on (default: loopback). Plain HTTP accepts a loopback address only. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        public Builder port(int value) {
            if (value < 0 || value > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, not " + value);
            }
            this.port = value;
            return this;
        }

        /** Serve HTTPS with this context (its key manager holds the server's certificate). */
        public Builder tls(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /** Serve plain HTTP, on a loopback address only: for tests and local development. */
        public Builder plainHttp() {
            this.plainHttp = true;
            return this;
        }

        public Builder region(String value) {
            if (value == null || !REGION.matcher(value).matches()) {
                throw new IllegalArgumentException("a region is 1 to 32 of [a-z0-9-], such as eu-west-1 or local");
            }
            this.region = value;
            return this;
        }

        public Builder account(String value) {
            if (value == null || !ACCOUNT.matcher(value).matches()) {
                throw new IllegalArgumentException("an account is 12 digits, such as 000000000000");
            }
            this.account = value;
            return this;
        }

        public Builder threads(int value) {
            if (value < 1 || value > MAX_THREADS) {
                throw new IllegalArgumentException("threads must be 1.." + MAX_THREADS + ", not " + value);
            }
            this.threads = value;
            return this;
        }

        public Builder gracePeriod(Duration value) {
            if (value == null || value.isNegative() || value.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("the grace period is 0 to 1 hour");
            }
            this.gracePeriod = value;
            return this;
        }

        /** The clock request dates are checked against (tests move it). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        public ServerOptions build() {
            return new ServerOptions(this);
        }
    }
}
