package io.kmsjca.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.kmsjca.audit.KmsAuditContext;
import io.kmsjca.internal.crypto.KmsRandom;
import io.kmsjca.internal.json.MalformedJsonException;
import io.kmsjca.internal.json.StrictJson;
import io.kmsjca.keys.AccessKeySigner;
import io.kmsjca.keys.KeyAccessDeniedException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /}: one AWS KMS request. The body is read within its limit, the SigV4 signature is
 * checked, then the operation named by {@code X-Amz-Target} runs as the access key's principal
 * ({@link AccessKeySigner#actAs}) with the request id in the audit context, and its result or its
 * error goes back as AWS sends them.
 */
final class KmsRequestHandler implements HttpHandler {

    /** A request's JSON: at most the body's size in characters, nested at most this deep. */
    static final int MAX_JSON_DEPTH = 8;

    private final InFlight inFlight;
    private final Semaphore running;
    private final SigV4Verifier verifier;
    private final Operations operations;

    /**
     * @param running permits for operations at once: taken once the body is read and its signature
     *                checked, so a slow or unauthenticated client holds a reading thread, never one of these
     */
    KmsRequestHandler(InFlight inFlight, Semaphore running, SigV4Verifier verifier, Operations operations) {
        this.inFlight = inFlight;
        this.running = running;
        this.verifier = verifier;
        this.operations = operations;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = requestId();
        try (exchange) {
            if (!inFlight.enter()) {
                exchange.getResponseHeaders().set("Connection", "close");
                Responses.error(exchange, requestId, new KmsError("ServiceUnavailableException", 503,
                        "the server is shutting down"));
                return;
            }
            try {
                Map<String, Object> result = null;
                KmsError error;
                try {
                    result = serve(exchange, requestId);
                    error = null;
                } catch (Exception | LinkageError | AssertionError e) {
                    error = ErrorMapping.of(e);
                }
                // written once, outside the catch: a client gone while it is written is not answered twice
                if (error == null) {
                    Responses.json(exchange, 200, requestId, result);
                } else {
                    if (error.status() == 413) {
                        exchange.getResponseHeaders().set("Connection", "close"); // the rest of the body is not read
                    }
                    Responses.error(exchange, requestId, error);
                }
            } finally {
                inFlight.exit(); // after the response is written, so close() waits for it
            }
        }
    }

    private Map<String, Object> serve(HttpExchange exchange, String requestId) throws Exception {
        if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getRawPath())) {
            throw new KmsError("UnknownOperationException", 404, "this server takes POST / (the AWS KMS JSON protocol)");
        }
        byte[] body = RequestBody.read(exchange);
        var headers = exchange.getRequestHeaders();
        AccessKeySigner signer = verifier.verify(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), headers, body);
        Operation operation = operations.forTarget(SigV4Verifier.single(headers, "X-Amz-Target"));
        String contentType = SigV4Verifier.single(headers, "Content-Type");
        if (contentType == null || !contentType.startsWith(Responses.CONTENT_TYPE)) {
            throw KmsError.validation("Content-Type must be " + Responses.CONTENT_TYPE);
        }
        JsonInput request;
        try {
            request = JsonInput.of(StrictJson.parse(RequestBody.utf8(body), RequestBody.MAX_BYTES, MAX_JSON_DEPTH));
        } catch (MalformedJsonException e) {
            throw new KmsError("SerializationException", 400, e.getMessage());
        } finally {
            java.util.Arrays.fill(body, (byte) 0); // an Encrypt's plaintext; what the parsed strings hold cannot be wiped
        }
        running.acquire();
        try (KmsAuditContext.Scope as = actAs(signer, exchange.getRemoteAddress());
             KmsAuditContext.Scope id = KmsAuditContext.withRequestId(requestId)) {
            return operation.run(request);
        } finally {
            running.release();
        }
    }

    private static KmsAuditContext.Scope actAs(AccessKeySigner signer, InetSocketAddress remote) throws KmsError {
        String source = remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
        try {
            return signer.actAs(source);
        } catch (KeyAccessDeniedException e) {
            // deleted between the lookup and now: as if it had never been found
            throw SigV4Verifier.unrecognized();
        }
    }

    private static String requestId() {
        byte[] b = new byte[16];
        KmsRandom.nextBytes(b);
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < 8; i++) {
            hi = hi << 8 | (b[i] & 0xFF);
            lo = lo << 8 | (b[i + 8] & 0xFF);
        }
        hi = hi & ~0xF000L | 0x4000L; // version 4
        lo = lo & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L; // IETF variant
        return new UUID(hi, lo).toString();
    }
}
