package io.kmsjca.benchmarks;

import io.kmsjca.internal.sigv4.SigV4;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cheapest client there is, to measure the server rather than the client: one keep-alive
 * TLS connection sending one request, signed once with SigV4 (valid for the 5 minutes a trial
 * lasts; a captured request may be replayed within them, as AWS allows), and reading each
 * response by its {@code Content-Length}.
 */
final class RawKmsConnection implements AutoCloseable {

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final SSLSocket socket;
    private final OutputStream out;
    private final InputStream in;
    private final byte[] request;

    RawKmsConnection(URI endpoint, SSLContext client, String region, String accessKeyId, char[] secret, String target,
                     String json) throws IOException {
        socket = (SSLSocket) client.getSocketFactory().createSocket(endpoint.getHost(), endpoint.getPort());
        socket.setTcpNoDelay(true);
        socket.startHandshake();
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        request = signed(endpoint, region, accessKeyId, secret, target, json);
    }

    private static byte[] signed(URI endpoint, String region, String accessKeyId, char[] secret, String target, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String amzDate = AMZ_DATE.format(Instant.now());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", endpoint.getHost() + ":" + endpoint.getPort());
        headers.put("Content-Type", "application/x-amz-json-1.1");
        headers.put("X-Amz-Date", amzDate);
        headers.put("X-Amz-Target", "TrentService." + target);
        Map<String, List<String>> forSigning = new LinkedHashMap<>();
        headers.forEach((k, v) -> forSigning.put(k, List.of(v)));
        List<String> signedHeaders = List.of("content-type", "host", "x-amz-date", "x-amz-target");
        String canonical = SigV4.canonicalRequest("POST", "/", null, forSigning, signedHeaders, SigV4.hex(SigV4.sha256(body)));
        String scope = SigV4.scope(amzDate.substring(0, 8), region, "kms");
        byte[] secretBytes = new String(secret).getBytes(StandardCharsets.UTF_8);
        byte[] key = SigV4.signingKey(secretBytes, amzDate.substring(0, 8), region, "kms");
        String signature = SigV4.hex(SigV4.hmac(key, SigV4.stringToSign(amzDate, scope, canonical)));
        StringBuilder head = new StringBuilder("POST / HTTP/1.1\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Authorization: ").append(SigV4.ALGORITHM).append(" Credential=").append(accessKeyId).append('/')
                .append(scope).append(", SignedHeaders=").append(String.join(";", signedHeaders))
                .append(", Signature=").append(signature).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Sends the request and reads the whole response; returns its status code. */
    int call() throws IOException {
        out.write(request);
        out.flush();
        int status = -1;
        int contentLength = 0;
        StringBuilder line = new StringBuilder(64);
        while (true) {
            line.setLength(0);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("the server closed the connection");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.length() == 0) {
                break;
            }
            if (status < 0) {
                status = Integer.parseInt(line.substring(9, 12));
            } else if (line.length() > 15 && line.substring(0, 15).equalsIgnoreCase("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).strip());
            }
        }
        in.skipNBytes(contentLength);
        return status;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
