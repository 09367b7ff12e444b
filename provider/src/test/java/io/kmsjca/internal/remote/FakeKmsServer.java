package io.kmsjca.internal.remote;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP/1.1 server on loopback for the client's tests: each request gets the next
 * scripted answer (a response, or a connection reset with no answer), and is recorded with its
 * headers and body. Raw sockets, so a reset is a real TCP reset; keep-alive, so connection reuse shows.
 */
public final class FakeKmsServer implements AutoCloseable {

    /** One request as received. */
    public record Request(String target, Map<String, String> headers, String body) {
    }

    private final ServerSocket socket;
    private static final String[] RESET = {};
    private final Deque<String[]> script = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    public FakeKmsServer() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "fake-kms");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** The next request gets {@code status} with {@code json} (an AWS error when status is not 200). */
    public synchronized FakeKmsServer answer(int status, String json) {
        script.add(new String[]{Integer.toString(status), json});
        return this;
    }

    /** The next request gets no answer: its connection is reset. */
    public synchronized FakeKmsServer reset() {
        script.add(RESET);
        return this;
    }

    public synchronized FakeKmsServer error(int status, String type, String message) {
        return answer(status, "{\"__type\":\"" + type + "\",\"message\":\"" + message + "\"}");
    }

    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "fake-kms-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                String[] lines = head.split("\r\n");
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                String[] answer;
                synchronized (this) {
                    requests.add(new Request(headers.get("x-amz-target"), headers, body));
                    answer = script.isEmpty() ? new String[]{"500", "{\"__type\":\"KMSInternalException\",\"message\":\"no script\"}"}
                            : script.poll();
                }
                if (answer == RESET) {
                    s.setSoLinger(true, 0); // a reset, not an orderly close
                    return;
                }
                byte[] bytes = answer[1].getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 " + answer[0] + " X\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: "
                        + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(bytes);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        int c;
        while ((c = in.read()) >= 0) {
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return b.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
