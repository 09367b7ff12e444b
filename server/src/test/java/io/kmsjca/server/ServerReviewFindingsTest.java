package io.kmsjca.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The security review of the server (issue #18): each test is the proof of one finding, written
 * to fail while the finding stands, driving the server with raw HTTP on a socket.
 */
class ServerReviewFindingsTest {

    /** How long a client waits for an answer before it calls the server unavailable (a load balancer's check does less). */
    static final int CLIENT_PATIENCE_MILLIS = 30_000;

    @TempDir
    Path dir;
    ServerFixture fixture;
    final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    /**
     * S1 (slowloris). The JDK's HTTP server reads a request on the worker thread, and a server
     * started with {@code KmsServer.start} sets no limit on how long that may take (the
     * {@code kms server} command sets 60 s; an application embedding the server gets none). So as
     * many unauthenticated connections as there are workers (4 by default on 2 cores), each
     * sending a request head and never its body, take every worker: nothing else is answered, not
     * even {@code /healthz}, for as long as they stay open.
     */
    @Test
    void s1_connectionsThatNeverSendTheirBodyDoNotTakeEveryWorker() throws Exception {
        fixture = new ServerFixture(dir).start();
        URI endpoint = fixture.server.endpoint();
        int workers = fixture.server.options().threads();
        for (int i = 0; i < workers; i++) {
            Socket s = new Socket(endpoint.getHost(), endpoint.getPort());
            sockets.add(s);
            String head = "POST / HTTP/1.1\r\nHost: " + endpoint.getHost() + ":" + endpoint.getPort()
                    + "\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 100\r\n\r\n{";
            s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
        awaitWorkersReadingABody(workers);
        try (Socket probe = new Socket(endpoint.getHost(), endpoint.getPort())) {
            probe.setSoTimeout(CLIENT_PATIENCE_MILLIS);
            probe.getOutputStream().write(("GET /healthz HTTP/1.1\r\nHost: " + endpoint.getHost() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            probe.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                probe.getInputStream().transferTo(answer);
            } catch (SocketTimeoutException starved) {
                fail(workers + " connections that sent a request head and no body took all " + workers
                        + " workers: /healthz was not answered in " + CLIENT_PATIENCE_MILLIS + " ms");
            } catch (IOException dropped) {
                // a time limit alone (sun.net.httpserver.maxReqTime) drops the queued probe with the stalled ones
                fail("/healthz was dropped, not answered, while " + workers + " connections held every worker: " + dropped);
            }
            String text = answer.toString(StandardCharsets.US_ASCII);
            assertTrue(text.startsWith("HTTP/1.1 200"), text);
        }
    }

    /**
     * Waits until {@code n} of the server's workers are blocked reading a request body (the
     * stalled connections have been taken), or gives up after the client's patience (a server
     * that does not block a worker on a body is what the fix may look like).
     */
    private static void awaitWorkersReadingABody(int n) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLIENT_PATIENCE_MILLIS);
        while (System.nanoTime() < deadline) {
            long reading = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey().getName().startsWith("kms-server-"))
                    .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(RequestBody.class.getName())))
                    .count();
            if (reading >= n) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
