package io.kmsjca.internal.service;

import io.kmsjca.keys.KeySpec;
import io.kmsjca.keys.KeyUsage;
import io.kmsjca.keys.SigningAlgorithm;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.EdDSAParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** Independent checks for the asymmetric key tests: the JDK (or Bouncy Castle) verifies, a CA issues certificates. */
final class AsymmetricTestSupport {

    static final Provider BC = new BouncyCastleProvider();

    private AsymmetricTestSupport() {
    }

    /** Every asymmetric spec with each usage AWS allows it. */
    static List<Object[]> specsAndUsages() {
        List<Object[]> all = new ArrayList<>();
        for (KeySpec spec : KeySpec.values()) {
            if (spec.isAsymmetric()) {
                for (KeyUsage usage : spec.allowedUsages()) {
                    all.add(new Object[] {spec, usage});
                }
            }
        }
        return all;
    }

    /** Whether the JDK (secp256k1, ML-DSA: Bouncy Castle) says {@code signature} is {@code spec}'s {@code algorithm} signature of {@code message}. */
    static boolean jdkVerifies(KeySpec spec, SigningAlgorithm algorithm, PublicKey key, byte[] message, byte[] signature)
            throws Exception {
        Signature verifier = switch (algorithm) {
            case RSASSA_PSS_SHA_256, RSASSA_PSS_SHA_384, RSASSA_PSS_SHA_512 -> {
                Signature s = Signature.getInstance("RSASSA-PSS");
                String hash = algorithm.digestAlgorithm();
                s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash),
                        MessageDigest.getInstance(hash).getDigestLength(), 1));
                yield s;
            }
            case RSASSA_PKCS1_V1_5_SHA_256 -> Signature.getInstance("SHA256withRSA");
            case RSASSA_PKCS1_V1_5_SHA_384 -> Signature.getInstance("SHA384withRSA");
            case RSASSA_PKCS1_V1_5_SHA_512 -> Signature.getInstance("SHA512withRSA");
            case ECDSA_SHA_256 -> spec == KeySpec.ECC_SECG_P256K1 ? Signature.getInstance("SHA256withECDSA", BC)
                    : Signature.getInstance("SHA256withECDSA");
            case ECDSA_SHA_384 -> Signature.getInstance("SHA384withECDSA");
            case ECDSA_SHA_512 -> Signature.getInstance("SHA512withECDSA");
            case ED25519_SHA_512 -> Signature.getInstance("Ed25519");
            case ED25519_PH_SHA_512 -> {
                Signature s = Signature.getInstance("Ed25519");
                s.setParameter(new EdDSAParameterSpec(true));
                yield s;
            }
            case ML_DSA_SHAKE_256 -> Signature.getInstance("ML-DSA", BC);
        };
        verifier.initVerify(spec == KeySpec.ECC_SECG_P256K1 || spec.family() == KeySpec.Family.ML_DSA
                ? java.security.KeyFactory.getInstance(spec.family() == KeySpec.Family.EC ? "EC" : "ML-DSA", BC)
                        .generatePublic(new java.security.spec.X509EncodedKeySpec(key.getEncoded()))
                : key);
        verifier.update(message);
        return verifier.verify(signature);
    }

    /** A peer's key pair on the curve of {@code spec} (the JDK's, or Bouncy Castle's for secp256k1). */
    static KeyPair peer(KeySpec spec) throws Exception {
        String curve = switch (spec) {
            case ECC_NIST_P256 -> "secp256r1";
            case ECC_NIST_P384 -> "secp384r1";
            case ECC_NIST_P521 -> "secp521r1";
            case ECC_SECG_P256K1 -> "secp256k1";
            default -> throw new IllegalArgumentException(spec.toString());
        };
        KeyPairGenerator g = spec == KeySpec.ECC_SECG_P256K1 ? KeyPairGenerator.getInstance("EC", BC)
                : KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    /** A certificate for {@code subject}'s public key, issued and signed by {@code ca} (an EC P-256 key). */
    static X509Certificate issue(PublicKey subject, String cn, KeyPair ca, String issuerCn) throws Exception {
        return issue(subject, cn, ca.getPrivate(), issuerCn, "SHA256withECDSA",
                new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256));
    }

    /** A certificate signed by an Ed25519 key: deterministic, so its bytes can be a golden file's. */
    static X509Certificate issueEd25519(PublicKey subject, String cn, java.security.PrivateKey ca, String issuerCn)
            throws Exception {
        return issue(subject, cn, ca, issuerCn, "Ed25519",
                new AlgorithmIdentifier(new org.bouncycastle.asn1.ASN1ObjectIdentifier("1.3.101.112")));
    }

    private static X509Certificate issue(PublicKey subject, String cn, java.security.PrivateKey ca, String issuerCn,
                                         String signatureAlgorithm, AlgorithmIdentifier algorithm) throws Exception {
        V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(BigInteger.valueOf(cn.hashCode() & 0x7fffffff)));
        tbs.setIssuer(new X500Name("CN=" + issuerCn));
        tbs.setSubject(new X500Name("CN=" + cn));
        tbs.setStartDate(new Time(new Date(1_767_225_600_000L)));
        tbs.setEndDate(new Time(new Date(1_893_456_000_000L)));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(subject.getEncoded()));
        tbs.setSignature(algorithm);
        TBSCertificate body = tbs.generateTBSCertificate();
        Signature signer = Signature.getInstance(signatureAlgorithm);
        signer.initSign(ca);
        signer.update(body.getEncoded());
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(body);
        v.add(algorithm);
        v.add(new DERBitString(signer.sign()));
        byte[] der = new DERSequence(v).getEncoded();
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** An EC P-256 key pair to act as a certificate authority. */
    static KeyPair ca() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
