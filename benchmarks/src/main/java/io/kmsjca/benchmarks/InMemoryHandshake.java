package io.kmsjca.benchmarks;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import java.nio.ByteBuffer;

/**
 * A TLS 1.3 handshake between a new client and a new server {@link SSLEngine} on the calling
 * thread, their records passed through byte buffers (no sockets), as the JDK's own SSLEngine
 * tests do. The engines are made with no peer host, so no session is ever resumed. The buffers are
 * reused from one handshake to the next. Not thread-safe.
 */
final class InMemoryHandshake {

    private static final String[] TLS_13 = {"TLSv1.3"};
    /** Far more than a handshake takes (a few round trips of each side): a loop that runs longer is a bug. */
    private static final int MAX_STEPS = 64;

    private final SSLContext client;
    private final SSLContext server;
    private final ByteBuffer clientToServer;
    private final ByteBuffer serverToClient;
    private final ByteBuffer clientApp;
    private final ByteBuffer serverApp;
    private final ByteBuffer empty = ByteBuffer.allocate(0);

    InMemoryHandshake(SSLContext client, SSLContext server) {
        this.client = client;
        this.server = server;
        SSLSession probe = client.createSSLEngine().getSession();
        // a flight may carry several records (the server's whole first flight): room for many
        int net = probe.getPacketBufferSize() * 4;
        clientToServer = ByteBuffer.allocate(net);
        serverToClient = ByteBuffer.allocate(net);
        clientApp = ByteBuffer.allocate(probe.getApplicationBufferSize() * 2);
        serverApp = ByteBuffer.allocate(probe.getApplicationBufferSize() * 2);
    }

    /** One full handshake; the client's session. */
    SSLSession handshake() throws SSLException {
        SSLEngine c = client.createSSLEngine();
        c.setUseClientMode(true);
        c.setEnabledProtocols(TLS_13);
        SSLEngine s = server.createSSLEngine();
        s.setUseClientMode(false);
        s.setEnabledProtocols(TLS_13);
        clientToServer.clear();
        serverToClient.clear();
        c.beginHandshake();
        s.beginHandshake();
        for (int step = 0; step < MAX_STEPS; step++) {
            if (done(c) && done(s)) {
                return c.getSession();
            }
            check(c.wrap(empty, clientToServer));
            runTasks(c);
            check(s.wrap(empty, serverToClient));
            runTasks(s);

            clientToServer.flip();
            serverApp.clear();
            check(s.unwrap(clientToServer, serverApp));
            runTasks(s);
            clientToServer.compact();

            serverToClient.flip();
            clientApp.clear();
            check(c.unwrap(serverToClient, clientApp));
            runTasks(c);
            serverToClient.compact();
        }
        throw new IllegalStateException("the handshake did not finish in " + MAX_STEPS + " steps: client "
                + c.getHandshakeStatus() + ", server " + s.getHandshakeStatus());
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    private static void check(SSLEngineResult result) {
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW
                || result.getStatus() == SSLEngineResult.Status.CLOSED) {
            throw new IllegalStateException("handshake step: " + result);
        }
    }

    private static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }
}
