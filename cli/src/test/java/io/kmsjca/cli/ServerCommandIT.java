package io.kmsjca.cli;

import io.kmsjca.internal.sigv4.SigV4;
import io.kmsjca.keys.CreatedAccessKey;
import io.kmsjca.keys.CreatedCredential;
import io.kmsjca.keys.CredentialRequest;
import io.kmsjca.keys.KeyService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code kms server} in the shaded jar: it serves signed requests on the store the usual flags name, and SIGTERM stops it. */
class ServerCommandIT {

    @TempDir
    Path dir;
    Kms kms;
    Path serverKey;
    Path plainKey;
    String accessKeyId;
    String secret;
    String keyId;

    @BeforeEach
    void setUp() throws Exception {
        kms = Kms.withStore(dir);
        keyId = kms.createKey("served");
        serverKey = dir.resolve("server.key");
        plainKey = dir.resolve("plain.key");
        try (KeyService admin = AccessKeyCommandsIT.open(kms)) {
            CreatedCredential server = admin.createCredential(CredentialRequest.withKeyFile("kms-server").actsForOthers(true));
            server.writeKeyFile(serverKey);
            server.wipe();
            CreatedCredential plain = admin.createCredential(CredentialRequest.withKeyFile("plain"));
            plain.writeKeyFile(plainKey);
            plain.wipe();
            CreatedAccessKey key = admin.createAccessKey("ops", true);
            accessKeyId = key.info().accessKeyId();
            secret = new String(key.secretAccessKey());
            key.wipe();
        }
    }

    private Process start(Path credential) throws Exception {
        return start(Map.of(), "server", "--port", "0", "--http", "--credential-file", credential.toString());
    }

    private Process start(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", Kms.JAR.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).directory(dir.toFile()).redirectError(dir.resolve(".stderr").toFile());
        b.environment().keySet().removeIf(k -> k.startsWith("KMS_"));
        b.environment().put("KMS_KEYSTORE", kms.store.toString());
        b.environment().putAll(env);
        return b.start();
    }

    /** The endpoint the server prints when it starts listening. */
    private URI endpoint(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = out.readLine()) != null; ) {
            int at = line.indexOf("\"Endpoint\"");
            if (at >= 0) {
                String rest = line.substring(line.indexOf(':', at) + 1).trim();
                return URI.create(rest.substring(1, rest.indexOf('"', 1)));
            }
        }
        throw new AssertionError("no endpoint printed: " + Files.readString(dir.resolve(".stderr")));
    }

    @Test
    void itServesHttpsFromAPkcs12FileWhosePasswordIsInTheEnvironment() throws Exception {
        Path p12 = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "kms-server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", p12.toString(),
                "-storepass", "tls-secret", "-keypass", "tls-secret").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertTrue(keytool.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, keytool.exitValue());

        Process refused = start(Map.of(), "server", "--port", "0", "--tls-keystore", p12.toString(),
                "--credential-file", serverKey.toString());
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCode.USAGE, refused.exitValue(), "no password for the PKCS#12 file");
        assertTrue(Files.readString(dir.resolve(".stderr")).contains("$KMS_TLS_KEYSTORE_PASSWORD"),
                Files.readString(dir.resolve(".stderr")));

        Process p = start(Map.of("MY_TLS_PASSWORD", "tls-secret"), "server", "--port", "0", "--tls-keystore", p12.toString(),
                "--tls-keystore-password-env", "MY_TLS_PASSWORD", "--credential-file", serverKey.toString());
        try {
            URI endpoint = endpoint(p);
            assertEquals("https", endpoint.getScheme());
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(p12)) {
                trust.load(in, "tls-secret".toCharArray());
            }
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            java.security.KeyStore only = java.security.KeyStore.getInstance("PKCS12");
            only.load(null, null);
            only.setCertificateEntry("server", trust.getCertificate("kms-server"));
            tmf.init(only);
            javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(tls).build();
            HttpResponse<String> described = https.send(signed(endpoint, "DescribeKey", "{\"KeyId\": \"alias/served\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, described.statusCode(), described.body());
            assertTrue(described.body().contains(keyId), described.body());
        } finally {
            p.destroy();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
    }

    @Test
    void itServesSignedRequestsUntilSigterm() throws Exception {
        Process p = start(serverKey);
        try {
            URI endpoint = endpoint(p);
            assertEquals("http", endpoint.getScheme());
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(200, http.send(HttpRequest.newBuilder(endpoint.resolve("/healthz")).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            HttpResponse<String> described = http.send(signed(endpoint, "DescribeKey", "{\"KeyId\": \"alias/served\"}"),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, described.statusCode(), described.body());
            assertTrue(described.body().contains("\"KeyId\":\"" + keyId + "\""), described.body());
        } finally {
            p.destroy(); // SIGTERM
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "it stopped on SIGTERM");
        assertTrue(Files.readString(dir.resolve(".stderr")).contains("kms server: stopped"), Files.readString(dir.resolve(".stderr")));
    }

    @Test
    void aCredentialThatDoesNotActForOthersIsRefused() throws Exception {
        Process p = start(plainKey);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(ExitCode.USAGE, p.exitValue());
        String err = Files.readString(dir.resolve(".stderr"));
        assertTrue(err.contains("does not act for others"), err);
    }

    /** A request signed with SigV4 as the AWS SDK signs it (the HTTP client sets Host to host:port). */
    private HttpRequest signed(URI endpoint, String target, String body) {
        String amzDate = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        String date = amzDate.substring(0, 8);
        Map<String, List<String>> headers = Map.of("host", List.of(endpoint.getHost() + ":" + endpoint.getPort()),
                "x-amz-date", List.of(amzDate), "x-amz-target", List.of("TrentService." + target),
                "content-type", List.of("application/x-amz-json-1.1"));
        List<String> signedHeaders = List.of("content-type", "host", "x-amz-date", "x-amz-target");
        String canonical = SigV4.canonicalRequest("POST", "/", null, headers, signedHeaders,
                SigV4.hex(SigV4.sha256(body.getBytes(StandardCharsets.UTF_8))));
        String scope = SigV4.scope(date, "local", "kms");
        byte[] signingKey = SigV4.signingKey(secret.getBytes(StandardCharsets.UTF_8), date, "local", "kms");
        String signature = SigV4.hex(SigV4.hmac(signingKey, SigV4.stringToSign(amzDate, scope, canonical)));
        return HttpRequest.newBuilder(endpoint.resolve("/")).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Date", amzDate)
                .header("X-Amz-Target", "TrentService." + target)
                .header("Authorization", SigV4.ALGORITHM + " Credential=" + accessKeyId + "/" + scope
                        + ", SignedHeaders=" + String.join(";", signedHeaders) + ", Signature=" + signature).build();
    }
}
