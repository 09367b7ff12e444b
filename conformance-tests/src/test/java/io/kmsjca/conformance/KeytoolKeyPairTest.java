package io.kmsjca.conformance;

import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.provider.KmsProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The JDK's own keytool and jarsigner, and openssl, with key pairs in a KMS key store (loaded
 * through -providerclass/-providerpath): -genkeypair signs its certificate inside KMS, -certreq
 * makes a CSR openssl accepts, a CA's reply comes in with -importcert, jarsigner signs a jar that
 * jarsigner -verify -strict accepts, and no private key goes out with -importkeystore.
 */
class KeytoolKeyPairTest {

    private static final String PASS = "changeit";

    @TempDir
    Path dir;
    private Path store;
    private Path conf;

    @BeforeEach
    void setUp() throws Exception {
        store = dir.resolve("keys.kms");
        conf = dir.resolve("kms.conf");
        Files.writeString(conf, "kdf.insecureForTests=true\naudit.file=audit.jsonl\n");
    }

    /** The KMS provider on keytool's or jarsigner's command line. */
    private List<String> kmsProvider() {
        return List.of("-providerclass", KmsProvider.class.getName(), "-providerarg", conf.toString(),
                "-providerpath", ChildJvm.classPath());
    }

    private ChildJvm.Result kmsKeytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.javaHomeTool("keytool").toString(), "-storetype", "KMS"));
        cmd.addAll(kmsProvider());
        cmd.addAll(List.of("-keystore", store.toString(), "-storepass", PASS));
        cmd.addAll(List.of(args));
        return ChildJvm.run(cmd, null);
    }

    private ChildJvm.Result run(String... cmd) throws Exception {
        return ChildJvm.run(List.of(cmd), null);
    }

    private ChildJvm.Result genkeypair(String alias, String... keyArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-providername", "KMS", "-alias", alias,
                "-dname", "CN=" + alias, "-validity", "365"));
        args.addAll(List.of(keyArgs));
        return kmsKeytool(args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"EC", "RSA"})
    void genkeypair_certreq_theCsrPassesOpenssl(String keyalg) throws Exception {
        // -sigalg: JDK 20+ tools default to SHA-384 for P-256 (CNSA), which AWS KMS's P-256 keys do not sign with
        String sigalg = keyalg.equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        var gen = keyalg.equals("EC") ? genkeypair("signer", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", sigalg)
                : genkeypair("signer", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", sigalg);
        assertEquals(0, gen.exitCode(), gen.all());

        var list = kmsKeytool("-list", "-v", "-alias", "signer");
        assertEquals(0, list.exitCode(), list.all());
        assertTrue(list.stdout().contains("Entry type: PrivateKeyEntry"), list.all());
        assertTrue(list.stdout().contains("Certificate chain length: 1"), list.all());
        assertTrue(list.stdout().contains("Owner: CN=signer"), list.all());
        assertTrue(list.stdout().contains("Signature algorithm name: " + sigalg), list.all());

        // the pair is a stored KMS key: its handle, its self-signed certificate verifies with its key
        KeyStore kms = loadKms();
        var handle = (KmsPrivateKeyHandle) kms.getKey("signer", null);
        assertNull(handle.getEncoded());
        X509Certificate cert = (X509Certificate) kms.getCertificate("signer");
        cert.verify(handle.publicKey());

        Path csr = dir.resolve("signer.csr");
        var certreq = kmsKeytool("-certreq", "-alias", "signer", "-sigalg", sigalg, "-file", csr.toString());
        assertEquals(0, certreq.exitCode(), certreq.all());
        var verify = run("openssl", "req", "-verify", "-in", csr.toString(), "-noout");
        assertEquals(0, verify.exitCode(), verify.all());
        assertTrue(verify.all().contains("verify OK"), verify.all());

        // openssl checks the signature: a CSR with one byte of its signature changed fails
        byte[] der = java.util.Base64.getMimeDecoder().decode(Files.readString(csr)
                .replaceAll("-----[A-Z ]+-----", "").trim());
        der[der.length - 1] ^= 1;
        Path broken = dir.resolve("broken.csr");
        Files.write(broken, der);
        var fails = run("openssl", "req", "-verify", "-inform", "DER", "-in", broken.toString(), "-noout");
        assertFalse(fails.all().contains("verify OK"), fails.all()); // openssl 3 may still exit 0
        assertTrue(fails.all().contains("verify failure"), fails.all());
    }

    @Test
    void aCaReply_isImported_andJarsignerSignsAJarThatVerifies() throws Exception {
        Path ca = dir.resolve("ca.p12");
        var caGen = run(ChildJvm.javaHomeTool("keytool").toString(), "-genkeypair", "-keyalg", "EC", "-groupname",
                "secp256r1", "-alias", "ca", "-dname", "CN=Test CA", "-ext", "bc:c", "-validity", "3650",
                "-storetype", "PKCS12", "-keystore", ca.toString(), "-storepass", PASS);
        assertEquals(0, caGen.exitCode(), caGen.all());
        assertEquals(0, genkeypair("signer", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA").exitCode());

        Path csr = dir.resolve("signer.csr");
        assertEquals(0, kmsKeytool("-certreq", "-alias", "signer", "-sigalg", "SHA256withECDSA", "-file", csr.toString())
                .exitCode());
        Path issued = dir.resolve("signer.pem");
        var gencert = run(ChildJvm.javaHomeTool("keytool").toString(), "-gencert", "-alias", "ca", "-infile",
                csr.toString(), "-outfile", issued.toString(), "-rfc", "-validity", "365",
                "-storetype", "PKCS12", "-keystore", ca.toString(), "-storepass", PASS);
        assertEquals(0, gencert.exitCode(), gencert.all());
        Path caPem = dir.resolve("ca.pem");
        assertEquals(0, run(ChildJvm.javaHomeTool("keytool").toString(), "-exportcert", "-rfc", "-alias", "ca",
                "-file", caPem.toString(), "-storetype", "PKCS12", "-keystore", ca.toString(), "-storepass", PASS).exitCode());
        Path reply = dir.resolve("reply.pem");
        Files.writeString(reply, Files.readString(issued) + Files.readString(caPem));

        var importcert = kmsKeytool("-importcert", "-noprompt", "-alias", "signer", "-file", reply.toString());
        assertEquals(0, importcert.exitCode(), importcert.all());
        assertTrue(importcert.all().contains("Certificate reply was installed in keystore"), importcert.all());
        var list = kmsKeytool("-list", "-v", "-alias", "signer");
        assertTrue(list.stdout().contains("Certificate chain length: 2"), list.all());
        assertTrue(list.stdout().contains("Issuer: CN=Test CA"), list.all());

        Path jar = dir.resolve("app.jar");
        writeJar(jar);
        Path signed = dir.resolve("signed.jar");
        List<String> sign = new ArrayList<>(List.of(ChildJvm.javaHomeTool("jarsigner").toString(),
                "-keystore", store.toString(), "-storetype", "KMS", "-storepass", PASS));
        // JDK 17's jarsigner has no -providerpath: the provider goes on its JVM's class path
        sign.addAll(List.of("-providerClass", KmsProvider.class.getName(), "-providerArg", conf.toString(),
                "-J-cp", "-J" + ChildJvm.classPath()));
        sign.addAll(List.of("-sigalg", "SHA256withECDSA", "-signedjar", signed.toString(), jar.toString(), "signer"));
        var signing = ChildJvm.run(sign, null);
        assertEquals(0, signing.exitCode(), signing.all());
        assertTrue(signing.all().contains("jar signed."), signing.all());

        var verify = run(ChildJvm.javaHomeTool("jarsigner").toString(), "-verify", "-strict",
                "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", PASS, signed.toString());
        assertEquals(0, verify.exitCode(), verify.all());
        assertTrue(verify.all().contains("jar verified."), verify.all());

        // the same verification fails for an unsigned jar: the check is real
        var unsigned = run(ChildJvm.javaHomeTool("jarsigner").toString(), "-verify", "-strict", jar.toString());
        assertFalse(unsigned.all().contains("jar verified."), unsigned.all());
    }

    @Test
    void importkeystore_fromKms_letsNoPrivateKeyOut() throws Exception {
        assertEquals(0, genkeypair("signer", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA")
                .exitCode());
        Path out = dir.resolve("stolen.p12");
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.javaHomeTool("keytool").toString(), "-importkeystore",
                "-noprompt", "-srckeystore", store.toString(), "-srcstoretype", "KMS", "-srcstorepass", PASS,
                "-destkeystore", out.toString(), "-deststoretype", "PKCS12", "-deststorepass", PASS, "-destkeypass", PASS));
        cmd.addAll(kmsProvider());
        var export = ChildJvm.run(cmd, null);
        assertFalse(export.all().contains("successfully imported."), export.all());
        assertTrue(export.all().contains("Problem importing entry for alias signer"), export.all());
        assertTrue(export.all().contains("Entry for alias signer not imported."), export.all());
        assertTrue(export.all().contains("0 entries successfully imported"), export.all());
        if (Files.exists(out)) {
            KeyStore p12 = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(out)) {
                p12.load(in, PASS.toCharArray());
            }
            assertEquals(0, p12.size(), "no private key left the KMS store");
        }
    }

    private KeyStore loadKms() throws Exception {
        KeyStore ks = KeyStore.getInstance("KMS", new KmsProvider().configure(conf.toString()));
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, PASS.toCharArray());
        }
        return ks;
    }

    private static void writeJar(Path jar) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (int i = 0; i < 3; i++) {
                out.putNextEntry(new JarEntry("data/file" + i + ".txt"));
                out.write(("content " + i).getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }
}
