package io.kmsjca.server;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.kmsjca.keys.CredentialInfo;
import io.kmsjca.keys.KeyService;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AWS KMS JSON protocol over a key service: {@code POST /} with
 * {@code X-Amz-Target: TrentService.<Operation>}, authenticated with SigV4 by the store's access
 * keys, over HTTPS (or plain HTTP on loopback alone). A thin adapter: every decision is the key
 * service's. docs/server.md.
 * <pre>{@code
 * try (KeyService keys = KmsAdmin.open(file, KmsCredential.keyFile(serverKeyFile), options);
 *      KmsServer server = KmsServer.start(keys, ServerOptions.builder().port(8443).tls(sslContext).build())) {
 *     ... // server.endpoint() is the AWS SDK's endpoint override
 * }
 * }</pre>
 * Also {@code GET /healthz} and {@code GET /readyz}, unauthenticated.
 */
public final class KmsServer implements AutoCloseable {

    private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /**
     * The JDK's HTTP server writes a response's headers and body separately; with Nagle's algorithm
     * on, the body then waits for the client's delayed ACK, about 40 ms per request (measured: 45 ms
     * against 1.7 ms). The server reads this property once, when its first instance in the JVM is
     * made, so it is set here, before that, unless the application chose a value (decisions.md).
     */
    static final String NODELAY_PROPERTY = "sun.net.httpserver.nodelay";

    static {
        if (System.getProperty(NODELAY_PROPERTY) == null) {
            System.setProperty(NODELAY_PROPERTY, "true");
        }
    }

    private final HttpServer http;
    private final ExecutorService executor;
    private final InFlight inFlight;
    private final ServerOptions options;
    private final Object closeLock = new Object();
    private boolean closed;

    private KmsServer(HttpServer http, ExecutorService executor, InFlight inFlight, ServerOptions options) {
        this.http = http;
        this.executor = executor;
        this.inFlight = inFlight;
        this.options = options;
    }

    /**
     * Starts serving {@code service}, which must be opened with a credential that acts for others
     * (each request is made as its access key's principal). The server does not close the service.
     *
     * @throws IllegalArgumentException the service was opened with a credential that does not act for others
     * @throws IOException              the address cannot be bound
     */
    public static KmsServer start(KeyService service, ServerOptions options) throws IOException {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(options, "options");
        CredentialInfo credential = service.credential();
        if (!credential.actsForOthers()) {
            throw new IllegalArgumentException("the key store was opened with the credential of '" + credential.principal()
                    + "', which does not act for others; a server makes each request as its access key's principal, so "
                    + "open the store with a credential made with --acts-for-others (kms create-credential --principal "
                    + "kms-server --acts-for-others --key-file-out FILE)");
        }
        InetSocketAddress bind = new InetSocketAddress(options.bindAddress(), options.port());
        HttpServer http = options.plainHttp() ? HttpServer.create(bind, 0) : https(bind, options.sslContext());
        ExecutorService executor = executor(options.threads());
        InFlight inFlight = new InFlight();
        OperationContext context = new OperationContext(service, new KeyIds(options.region(), options.account()));
        http.createContext("/", new KmsRequestHandler(inFlight,
                new SigV4Verifier(service, options.region(), options.clock()),
                new Operations(context, options.account())));
        http.createContext("/healthz", new HealthHandler(inFlight, service, false));
        http.createContext("/readyz", new HealthHandler(inFlight, service, true));
        http.setExecutor(executor);
        http.start();
        return new KmsServer(http, executor, inFlight, options);
    }

    private static HttpsServer https(InetSocketAddress bind, SSLContext context) throws IOException {
        HttpsServer server = HttpsServer.create(bind, 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setProtocols(TLS_PROTOCOLS);
                ssl.setNeedClientAuth(false);
                params.setSSLParameters(ssl);
            }
        });
        return server;
    }

    /** A fixed pool of named worker threads; requests beyond them wait in the queue for one. */
    private static ExecutorService executor(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "kms-server-" + n.incrementAndGet());
            t.setDaemon(false);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory);
    }

    /** The address it listens on (the port chosen when the options asked for 0). */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** {@code https://host:port} (or {@code http://} with plain HTTP), the AWS SDK's endpoint override. */
    public URI endpoint() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return URI.create((options.plainHttp() ? "http" : "https") + "://" + host + ":" + a.getPort());
    }

    /** Waits until {@link #close()} began refusing new requests (tests of the shutdown wait on it). */
    void awaitClosing() throws InterruptedException {
        inFlight.awaitClosing();
    }

    /** The options it was started with. */
    public ServerOptions options() {
        return options;
    }

    /**
     * Stops taking requests (a request that arrives now is refused with 503 and its connection
     * closed, and {@code /readyz} says unavailable), lets those in flight finish for up to the
     * options' grace period, then closes the listening socket and every connection. Idempotent.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
            boolean interrupted = false;
            try {
                inFlight.close(options.gracePeriod());
            } catch (InterruptedException e) {
                interrupted = true;
            }
            http.stop(0);
            executor.shutdown();
            try {
                executor.awaitTermination(options.gracePeriod().toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            executor.shutdownNow();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
