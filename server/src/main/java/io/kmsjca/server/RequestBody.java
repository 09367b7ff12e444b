package io.kmsjca.server;

import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads a request body, refusing one over the limit before reading it (by its Content-Length) or while reading it (chunked). */
final class RequestBody {

    /** The largest body: a 32 KiB policy or a 4 KiB plaintext in base64 fit with room to spare. */
    static final int MAX_BYTES = 64 * 1024;

    private RequestBody() {
    }

    static byte[] read(HttpExchange exchange) throws IOException, KmsError {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw KmsError.validation("Content-Length is not a number");
            }
            if (declared > MAX_BYTES) {
                throw tooLarge();
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(MAX_BYTES, 4096));
        byte[] buffer = new byte[8192];
        try (InputStream in = exchange.getRequestBody()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + n > MAX_BYTES) {
                    throw tooLarge();
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    /** The body as strict UTF-8 (a malformed sequence is refused, never replaced). */
    static String utf8(byte[] body) throws KmsError {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw KmsError.validation("the request body is not valid UTF-8");
        }
    }

    private static KmsError tooLarge() {
        return new KmsError("ValidationException", 413, "the request body is larger than " + MAX_BYTES + " bytes");
    }
}
