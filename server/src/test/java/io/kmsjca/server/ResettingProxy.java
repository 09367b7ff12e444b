package io.kmsjca.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback in front of a server that can break the connection under the next
 * request: once {@link #resetNextRequest() armed}, the next bytes a client sends are dropped and
 * its connection is reset (a TCP RST), as a load balancer or a crashed server instance would.
 */
final class ResettingProxy implements AutoCloseable {

    private final ServerSocket socket;
    private final InetSocketAddress target;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger resets = new AtomicInteger();

    ResettingProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    void resetNextRequest() {
        armed.set(true);
    }

    int connections() {
        return connections.get();
    }

    int resets() {
        return resets.get();
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "resetting-proxy");
        t.setDaemon(true);
        t.start();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                Socket server = new Socket(target.getAddress(), target.getPort());
                daemon(() -> pump(client, server, true));
                daemon(() -> pump(server, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buf = new byte[8192];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (fromClient && armed.getAndSet(false)) {
                    resets.incrementAndGet();
                    from.setSoLinger(true, 0);
                    from.close();
                    to.close();
                    return;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away
        } finally {
            try {
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
