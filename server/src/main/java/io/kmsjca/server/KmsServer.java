package io.kmsjca.server;

import io.kmsjca.keys.KeyService;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * The AWS KMS JSON protocol over a key service: {@code POST /} with
 * {@code X-Amz-Target: TrentService.<Operation>}, authenticated with SigV4 by the store's access
 * keys, over HTTPS (or plain HTTP on loopback alone). A thin adapter: every decision is the key
 * service's. docs/server.md.
 */
public final class KmsServer implements AutoCloseable {

    private KmsServer() {
    }

    /**
     * Starts serving {@code service}, which must be opened with a credential that acts for others
     * (each request is made as its access key's principal). The server does not close the service.
     */
    public static KmsServer start(KeyService service, ServerOptions options) throws IOException {
        throw new UnsupportedOperationException("not yet"); // TODO(wt-server)
    }

    /** The address it listens on (the port chosen when the options asked for 0). */
    public InetSocketAddress address() {
        throw new UnsupportedOperationException("not yet"); // TODO(wt-server)
    }

    /** {@code https://host:port} (or {@code http://} with plain HTTP), the AWS SDK's endpoint override. */
    public URI endpoint() {
        throw new UnsupportedOperationException("not yet"); // TODO(wt-server)
    }

    /** Stops accepting requests, lets those in flight finish (up to the options' grace period), then stops. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet"); // TODO(wt-server)
    }
}
