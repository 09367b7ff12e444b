package io.kmsjca.spring.boot;

import io.kmsjca.keys.Argon2Params;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeyServiceOptions;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.provider.KmsAdmin;
import io.kmsjca.provider.KmsProvider;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A real store file for the TLS tests, made before the application starts: the EC P-256 key pair
 * {@code tls} with a self-signed certificate for {@code localhost} (signed inside KMS), and the
 * symmetric key {@code orders}.
 */
final class KmsTlsFixture {

    static final String PASSWORD = "correct horse battery staple";
    private static final AlgorithmIdentifier SHA256_WITH_ECDSA =
            new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.2"));

    /** The store file, its password file, the TLS certificate and the TLS key's id. */
    record Store(Path file, Path passwordFile, X509Certificate certificate, String tlsKeyId) {
    }

    private KmsTlsFixture() {
    }

    static Store create(String dirPrefix) {
        try {
            Path dir = Files.createTempDirectory(dirPrefix);
            Path file = dir.resolve("keys.kms");
            Path passwordFile = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
            var options = KeyServiceOptions.defaults().withKdf(Argon2Params.insecureForTests());
            try (Closing keys = new Closing(KmsAdmin.open(file, PASSWORD.toCharArray(), options))) {
                KmsPrivateKeyHandle tls = keys.service.createKeyPair(CreateKeyRequest.withAlias("tls")
                        .keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsage.SIGN_VERIFY));
                X509Certificate cert = selfSigned(tls, "localhost");
                keys.service.setCertificateChain("tls", List.of(cert));
                keys.service.createKey("orders", "a symmetric key");
                return new Store(file, passwordFile, cert, tls.keyId().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A certificate for {@code name} (CN and DNS subject alternative name), signed by the KMS key itself. */
    private static X509Certificate selfSigned(KmsPrivateKeyHandle key, String name) throws Exception {
        V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(Instant.now().toEpochMilli())));
        tbs.setSignature(SHA256_WITH_ECDSA);
        tbs.setIssuer(new X500Name("CN=" + name));
        tbs.setSubject(new X500Name("CN=" + name));
        Instant now = Instant.now();
        tbs.setStartDate(new Time(Date.from(now.minus(Duration.ofDays(1)))));
        tbs.setEndDate(new Time(Date.from(now.plus(Duration.ofDays(30)))));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(key.publicKey().getEncoded()));
        tbs.setExtensions(new Extensions(new Extension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, name)).getEncoded("DER"))));
        TBSCertificate toBeSigned = tbs.generateTBSCertificate();
        Signature s = Signature.getInstance("SHA256withECDSA", new KmsProvider());
        s.initSign(key);
        s.update(toBeSigned.getEncoded("DER"));
        byte[] der = new DERSequence(new ASN1Encodable[] {toBeSigned, SHA256_WITH_ECDSA, new DERBitString(s.sign())})
                .getEncoded("DER");
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** Closes the key service the fixture opened, so the application opens the file alone. */
    private record Closing(KeyService service) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            service.close();
        }
    }
}
