package io.kmsjca.server;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KmsCredential;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.spi.audit.AuditEvent;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A store on disk with an administrator password, a server credential that acts for others, and
 * two access keys: {@code alice} (administrator) and {@code app} (a key user, allowed what the key
 * policies give it). {@link #start} opens the store as the server and serves it on loopback.
 */
final class ServerFixture implements AutoCloseable {

    static final char[] ADMIN_PASSWORD = "store-password".toCharArray();
    static final String REGION = "local";

    final Path dir;
    final Path file;
    final Path serverKeyFile;
    final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    final AccessKey alice;
    final AccessKey app;
    private final List<AutoCloseable> open = new ArrayList<>();
    KeyService service;
    KmsServer server;

    /** An access key's id and secret, as a client holds them. */
    record AccessKey(String id, String secret) {
        AwsBasicCredentials credentials() {
            return AwsBasicCredentials.create(id, secret);
        }
    }

    ServerFixture(Path dir) throws IOException, java.security.KeyStoreException {
        this.dir = dir;
        this.file = dir.resolve("keys.kms");
        this.serverKeyFile = dir.resolve("server.key");
        try (KeyService admin = KmsAdmin.open(file, ADMIN_PASSWORD, options())) {
            CreatedCredential credential = admin.createCredential(CredentialRequest.withKeyFile("kms-server").actsForOthers(true));
            credential.writeKeyFile(serverKeyFile);
            credential.wipe();
            alice = accessKey(admin, "alice", true);
            app = accessKey(admin, "app", false);
        }
    }

    private static AccessKey accessKey(KeyService admin, String principal, boolean administrator) throws IOException {
        try {
            CreatedAccessKey created = admin.createAccessKey(principal, administrator);
            AccessKey key = new AccessKey(created.info().accessKeyId(), new String(created.secretAccessKey()));
            created.wipe();
            return key;
        } catch (java.security.KeyStoreException e) {
            throw new IOException(e);
        }
    }

    KeyServiceOptions options() {
        return KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests())
                .withMaintenanceInterval(Duration.ZERO).withAuditListeners(List.of(audit::add));
    }

    /** Opens the store as the server's credential and serves it over plain HTTP on loopback. */
    ServerFixture start() throws IOException {
        return start(b -> b.plainHttp());
    }

    ServerFixture start(UnaryOperator<ServerOptions.Builder> options) throws IOException {
        return start(options, UnaryOperator.identity());
    }

    /** Serves {@code wrap} of the store's service (a test's delegate that pauses or counts calls). */
    ServerFixture start(UnaryOperator<ServerOptions.Builder> options, UnaryOperator<KeyService> wrap) throws IOException {
        service = KmsAdmin.open(file, KmsCredential.keyFile(serverKeyFile), options());
        open.add(service);
        server = KmsServer.start(wrap.apply(service), options.apply(ServerOptions.builder().region(REGION)).build());
        open.add(0, server);
        return this;
    }

    KmsClient client(AccessKey key) {
        return client(key, server.endpoint(), ApacheHttpClient.builder());
    }

    KmsClient client(AccessKey key, URI endpoint, ApacheHttpClient.Builder http) {
        KmsClient client = KmsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(key.credentials()))
                .httpClientBuilder(http)
                .overrideConfiguration(c -> c.retryPolicy(RetryPolicy.none()))
                .build();
        open.add(0, client);
        return client;
    }

    /** The events recorded since {@code from} (an index into {@link #audit}). */
    List<AuditEvent> eventsSince(int from) {
        return List.copyOf(audit.subList(from, audit.size()));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        open.clear();
    }
}
