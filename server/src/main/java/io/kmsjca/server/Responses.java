package io.kmsjca.server;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes the AWS JSON protocol's responses: a JSON body, or {@code {"__type": ..., "message": ...}} with its status. */
final class Responses {

    static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private Responses() {
    }

    static void json(HttpExchange exchange, int status, String requestId, Map<String, Object> body) throws IOException {
        send(exchange, status, requestId, JsonWriter.write(body));
    }

    static void error(HttpExchange exchange, String requestId, KmsError error) throws IOException {
        exchange.getResponseHeaders().set("X-Amzn-ErrorType", error.type());
        send(exchange, error.status(), requestId, JsonWriter.write(Shapes.map("__type", error.type(),
                "message", error.getMessage())));
    }

    private static void send(HttpExchange exchange, int status, String requestId, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("X-Amzn-RequestId", requestId);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
