package io.kmsjca.server;

import io.kmsjca.internal.sigv4.SigV4;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request written by hand on a socket and signed here with SigV4 (the skeleton's canonical
 * request and the documented signing-key chain), so a test can sign at any date, leave a header
 * unsigned, or send what no SDK sends.
 */
final class RawRequest {

    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** The status line's code and the body. */
    record Response(int status, String body) {
    }

    final Map<String, String> headers = new LinkedHashMap<>();
    List<String> signedHeaders = List.of("content-type", "host", "x-amz-date", "x-amz-target");
    String region = ServerFixture.REGION;
    String service = "kms";
    String body = "{}";
    String payloadHash;
    /** The date of the credential scope; null: X-Amz-Date's day, as every signer does. */
    String credentialDate;

    RawRequest(URI endpoint, String target, Instant date) {
        headers.put("Host", endpoint.getHost() + ":" + endpoint.getPort());
        headers.put("Content-Type", "application/x-amz-json-1.1");
        headers.put("X-Amz-Date", AMZ_DATE.format(date));
        headers.put("X-Amz-Target", "TrentService." + target);
    }

    RawRequest body(String json) {
        this.body = json;
        return this;
    }

    /** Signs with {@code key} and sends to {@code endpoint} (plain HTTP), on a connection closed after the response. */
    Response send(URI endpoint, ServerFixture.AccessKey key) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String date = credentialDate != null ? credentialDate : headers.get("X-Amz-Date").substring(0, 8);
        Map<String, List<String>> forSigning = new LinkedHashMap<>();
        headers.forEach((k, v) -> forSigning.put(k, List.of(v)));
        String hash = payloadHash != null ? payloadHash : SigV4.hex(SigV4.sha256(bytes));
        String canonical = SigV4.canonicalRequest("POST", "/", null, forSigning, signedHeaders, hash);
        String scope = SigV4.scope(date, region, service);
        String toSign = SigV4.stringToSign(headers.get("X-Amz-Date"), scope, canonical);
        byte[] signingKey = SigV4.signingKey(key.secret().getBytes(StandardCharsets.UTF_8), date, region, service);
        String signature = SigV4.hex(SigV4.hmac(signingKey, toSign));
        List<String> lines = new ArrayList<>();
        lines.add("POST / HTTP/1.1");
        headers.forEach((k, v) -> lines.add(k + ": " + v));
        lines.add("Authorization: " + SigV4.ALGORITHM + " Credential=" + key.id() + "/" + scope + ", SignedHeaders="
                + String.join(";", signedHeaders) + ", Signature=" + signature);
        lines.add("Content-Length: " + bytes.length);
        lines.add("Connection: close");
        return exchange(endpoint, (String.join("\r\n", lines) + "\r\n\r\n").getBytes(StandardCharsets.UTF_8), bytes);
    }

    /** Sends raw bytes and reads the whole response. */
    static Response exchange(URI endpoint, byte[] head, byte[] body) throws IOException {
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(head);
            out.write(body);
            out.flush();
            socket.shutdownOutput(); // all sent: the server reads an end, never a reset
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            int split = text.indexOf("\r\n\r\n");
            return new Response(status, split < 0 ? "" : text.substring(split + 4));
        }
    }
}
