package io.kmsjca.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.kmsjca.keys.KeyService;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * {@code GET /healthz} (the process serves: 200 until it closes) and {@code GET /readyz} (it can
 * serve requests: the store answers), unauthenticated, so they say nothing but {@code ok} or
 * {@code unavailable}: no version, no key, no error text.
 */
final class HealthHandler implements HttpHandler {

    private final InFlight inFlight;
    private final KeyService service;
    private final boolean readiness;
    private static final long RECHECK_NANOS = 1_000_000_000L;
    /** Held by the one request that asks the store; the others answer {@link #lastAnswer} meanwhile. */
    private final ReentrantLock checking = new ReentrantLock();
    private long checkedAt;
    private volatile boolean lastAnswer;

    HealthHandler(InFlight inFlight, KeyService service, boolean readiness) {
        this.inFlight = inFlight;
        this.service = service;
        this.readiness = readiness;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "method not allowed");
                return;
            }
            if (!path.equals(readiness ? "/readyz" : "/healthz")) {
                send(exchange, 404, "not found");
                return;
            }
            boolean ok = !inFlight.closing() && (!readiness || storeAnswers());
            send(exchange, ok ? 200 : 503, ok ? "ok" : "unavailable");
        }
    }

    /**
     * Whether the backend answers: it reads what other processes wrote ({@code refresh}). Checked at
     * most once a second, so that an unauthenticated caller cannot make the server read its store in
     * a loop, and by one request at a time: while that one waits for a slow store, the others answer
     * the last result at once rather than each hold a server thread waiting for it.
     */
    private boolean storeAnswers() {
        if (!checking.tryLock()) {
            return lastAnswer;
        }
        try {
            long now = System.nanoTime();
            if (checkedAt == 0 || now - checkedAt >= RECHECK_NANOS) {
                try {
                    service.refresh();
                    lastAnswer = true;
                } catch (IOException | RuntimeException e) {
                    lastAnswer = false;
                }
                checkedAt = now == 0 ? 1 : now;
            }
            return lastAnswer;
        } finally {
            checking.unlock();
        }
    }

    private static void send(HttpExchange exchange, int status, String text) throws IOException {
        byte[] body = (text + "\n").getBytes(StandardCharsets.US_ASCII);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
