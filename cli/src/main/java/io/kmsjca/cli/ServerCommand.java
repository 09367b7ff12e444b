package io.kmsjca.cli;

import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.server.KmsServer;
import io.kmsjca.server.ServerOptions;
import io.kmsjca.server.TlsContexts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Properties;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kms server}: the AWS KMS API (JSON protocol, SigV4) over the key store the usual flags name,
 * until SIGTERM or Ctrl-C, which close it gracefully (docs/server.md).
 */
final class ServerCommand {

    static final String TLS_PASSWORD_ENV = "KMS_TLS_KEYSTORE_PASSWORD";

    private ServerCommand() {
    }

    @Command(mixinStandardHelpOptions = true, name = "server",
            description = "Serve the AWS KMS API (JSON protocol, AWS Signature Version 4 with the store's access keys) over "
                    + "HTTPS, or over plain HTTP on loopback with --http, until SIGTERM, which finishes the requests in flight. "
                    + "Open the store with a credential that acts for others (kms create-credential --acts-for-others).",
            footer = {"", "Examples:",
                    "  kms server --port 8443 --tls-keystore server.p12 --credential-file /etc/kms/server.key",
                    "  kms server --port 8080 --http"})
    static void server(@Mixin Common common,
                       @Option(names = "--port", paramLabel = "N", required = true,
                               description = "The port to listen on (0: any free port, printed at start).") int port,
                       @Option(names = "--http", description = "Plain HTTP, on a loopback address only (tests, local development).")
                       boolean http,
                       @Option(names = "--bind", paramLabel = "ADDR",
                               description = "The address to listen on (default: loopback).") String bind,
                       @Option(names = "--tls-keystore", paramLabel = "FILE",
                               description = "A PKCS#12 file with the server's private key and certificate.") Path tlsKeystore,
                       @Option(names = "--tls-keystore-password-env", paramLabel = "VAR",
                               description = "The environment variable holding its password (default: " + TLS_PASSWORD_ENV + ").")
                       String tlsPasswordEnv,
                       @Option(names = "--region", paramLabel = "R", description = "The region of key ARNs and signatures (default: local).")
                       String region,
                       @Option(names = "--account", paramLabel = "A", description = "The 12-digit account of key ARNs (default: 000000000000).")
                       String account,
                       @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: twice the processors, at least 4).")
                       Integer threads,
                       @Option(names = "--grace-seconds", paramLabel = "S",
                               description = "How long SIGTERM waits for requests in flight (default: 30).") Integer graceSeconds)
            throws GeneralSecurityException, IOException, InterruptedException {
        Path config = common.configFile();
        if (config != null) { // the store's region and account are the configuration's, and the server announces them
            if (region != null || account != null) {
                throw new CliException(ExitCode.USAGE, "with --config, set region= and account= in " + config
                        + ", not --region/--account: every JVM of the store uses the configuration's");
            }
            Properties conf = new Properties();
            try (var in = java.nio.file.Files.newBufferedReader(config, java.nio.charset.StandardCharsets.UTF_8)) {
                conf.load(in);
            }
            region = conf.getProperty("region", KeyServiceOptions.DEFAULT_REGION).strip();
            account = conf.getProperty("account", KeyServiceOptions.DEFAULT_ACCOUNT).strip();
        }
        ServerOptions options = options(port, http, bind, tlsKeystore, tlsPasswordEnv, region, account, threads, graceSeconds);
        common.useRegionAndAccount(options.region(), options.account()); // the ARNs policies name are the ones served
        KeyService keys = common.openStore();
        KmsServer server;
        try {
            server = KmsServer.start(keys, options);
        } catch (IllegalArgumentException e) {
            keys.close();
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        } catch (IOException e) {
            keys.close();
            throw new CliException(ExitCode.FILE, "cannot listen on " + options.bindAddress().getHostAddress() + ":" + port
                    + ": " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close(); // refuses new requests, finishes those in flight, then stops
            try {
                keys.close();
            } catch (IOException e) {
                System.err.println("kms server: closing the key store failed: " + e.getMessage());
            }
            System.err.println("kms server: stopped");
        }, "kms-server-shutdown"));
        common.print(Shapes.result().with("Endpoint", server.endpoint().toString()).with("Region", options.region())
                .with("Account", options.account()));
        common.out().flush();
        common.err().println("kms server: serving " + server.endpoint() + "; SIGTERM (or Ctrl-C) stops it");
        common.err().flush();
        new CountDownLatch(1).await(); // until the JVM shuts down; the hook above closes the server
    }

    private static ServerOptions options(int port, boolean http, String bind, Path tlsKeystore, String tlsPasswordEnv,
                                         String region, String account, Integer threads, Integer graceSeconds)
            throws IOException, GeneralSecurityException {
        if (http == (tlsKeystore != null)) {
            throw new CliException(ExitCode.USAGE, "pass --tls-keystore FILE for HTTPS, or --http for plain HTTP on loopback");
        }
        try {
            ServerOptions.Builder b = ServerOptions.builder().port(port);
            if (bind != null) {
                b.bindAddress(InetAddress.getByName(bind));
            }
            if (region != null) {
                b.region(region);
            }
            if (account != null) {
                b.account(account);
            }
            if (threads != null) {
                b.threads(threads);
            }
            if (graceSeconds != null) {
                b.gracePeriod(Duration.ofSeconds(graceSeconds));
            }
            if (http) {
                b.plainHttp();
            } else {
                b.tls(tls(tlsKeystore, tlsPasswordEnv == null ? TLS_PASSWORD_ENV : tlsPasswordEnv));
            }
            return b.build();
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage(), e);
        }
    }

    private static SSLContext tls(Path file, String passwordEnv) throws IOException, GeneralSecurityException {
        String value = System.getenv(passwordEnv);
        if (value == null) {
            throw new CliException(ExitCode.USAGE, "set $" + passwordEnv + " to the password of " + file);
        }
        char[] password = value.toCharArray();
        try {
            return TlsContexts.fromPkcs12(file, password);
        } catch (IOException e) {
            throw new CliException(ExitCode.FILE, "cannot read the TLS key store " + file + ": " + e.getMessage(), e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
