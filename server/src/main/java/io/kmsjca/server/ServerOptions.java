package io.kmsjca.server;

/** How a {@link KmsServer} listens and names keys. TODO(wt-server): bind address, port, TLS, region, account, grace, threads. */
public final class ServerOptions {
}
