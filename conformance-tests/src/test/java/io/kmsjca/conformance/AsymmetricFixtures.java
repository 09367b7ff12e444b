package io.kmsjca.conformance;

import io.kmsjca.internal.service.KeyStores;
import io.kmsjca.keys.CreateKeyRequest;
import io.kmsjca.keys.KeyService;
import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.KmsPrivateKeyHandle;
import io.kmsjca.provider.KmsLoadParameter;
import io.kmsjca.provider.KmsProvider;
import io.kmsjca.spi.audit.AuditEvent;
import io.kmsjca.spi.audit.AuditOperation;
import io.kmsjca.spi.audit.AuditOutcome;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Shared set-up of the asymmetric-key tests: a store with key pairs, its audit trail, certificates. */
final class AsymmetricFixtures {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    /** The X.509 AlgorithmIdentifier of the signature algorithms the tests sign certificates with. */
    private static final Map<String, AlgorithmIdentifier> SIGNATURE_IDS = Map.of(
            "SHA256withECDSA", new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.2")),
            "SHA384withECDSA", new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.3")),
            "SHA512withECDSA", new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.10045.4.3.4")),
            "SHA256withRSA", new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.113549.1.1.11"), DERNull.INSTANCE),
            "SHA384withRSA", new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.2.840.113549.1.1.12"), DERNull.INSTANCE),
            "Ed25519", new AlgorithmIdentifier(new ASN1ObjectIdentifier("1.3.101.112")));

    private AsymmetricFixtures() {
    }

    /** An in-memory store, its JCA view (loaded as its administrator) and everything it audits. */
    record Store(KeyService service, KeyStore keyStore, List<AuditEvent> audit) {

        KmsPrivateKeyHandle create(String alias, KeySpec spec, KeyUsage usage) throws Exception {
            return service.createKeyPair(CreateKeyRequest.withAlias(alias).keySpec(spec).keyUsage(usage));
        }

        KmsPrivateKeyHandle create(String alias, KeySpec spec) throws Exception {
            return create(alias, spec, KeyUsage.SIGN_VERIFY);
        }

        /** How many events of {@code op} with {@code outcome} name {@code key}. */
        long events(AuditOperation op, AuditOutcome outcome, KmsPrivateKeyHandle key) {
            return audit.stream().filter(e -> e.operation() == op && e.outcome() == outcome
                    && key.keyId().toString().equals(e.keyId())).count();
        }
    }

    static Store newStore() throws Exception {
        var service = KeyStores.newInMemory(Fixtures.cheapOptions());
        List<AuditEvent> audit = new CopyOnWriteArrayList<>();
        service.addAuditListener(audit::add);
        KeyStore ks = KeyStore.getInstance("KMS", Fixtures.PROVIDER);
        ks.load(KmsLoadParameter.managing(service));
        return new Store(service, ks, audit);
    }

    /**
     * A certificate of {@code subjectKey} named {@code subject}, issued by {@code issuer} and signed
     * with {@code signer} through {@code Signature.getInstance(sigAlg)} (no provider named: a KMS
     * handle is routed to the KMS provider when it is installed).
     */
    static X509Certificate certificate(String subject, PublicKey subjectKey, String issuer, PrivateKey signer,
                                       String sigAlg) throws Exception {
        AlgorithmIdentifier algorithm = SIGNATURE_IDS.get(sigAlg);
        V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(SERIAL.incrementAndGet())));
        tbs.setSignature(algorithm);
        tbs.setIssuer(new X500Name("CN=" + issuer));
        tbs.setSubject(new X500Name("CN=" + subject));
        Instant now = Instant.now();
        tbs.setStartDate(new Time(Date.from(now.minus(Duration.ofDays(1)))));
        tbs.setEndDate(new Time(Date.from(now.plus(Duration.ofDays(365)))));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subjectKey.getEncoded()));
        TBSCertificate toBeSigned = tbs.generateTBSCertificate();
        Signature s = Signature.getInstance(sigAlg);
        s.initSign(signer);
        s.update(toBeSigned.getEncoded("DER"));
        byte[] signature = s.sign();
        byte[] der = new DERSequence(new ASN1Encodable[] {toBeSigned, algorithm, new DERBitString(signature)}).getEncoded("DER");
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** A self-signed certificate of a KMS key, signed inside KMS. */
    static X509Certificate selfSigned(KmsPrivateKeyHandle key, String name, String sigAlg) throws Exception {
        return certificate(name, key.publicKey(), name, key, sigAlg);
    }

    /** Runs {@code body} with a KMS provider installed at {@code position} (1: first; 0: last), then removes it. */
    static void withKmsInstalled(int position, ThrowingRunnable body) throws Exception {
        Provider kms = new KmsProvider();
        if (Security.getProvider(kms.getName()) != null) {
            throw new IllegalStateException("a KMS provider is installed already");
        }
        if (position == 0) {
            Security.addProvider(kms);
        } else {
            Security.insertProviderAt(kms, position);
        }
        try {
            body.run();
        } finally {
            Security.removeProvider(kms.getName());
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
