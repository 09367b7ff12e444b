package io.kmsjca.internal.model;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * The X.509 certificate chain stored with an asymmetric key, leaf first, possibly empty:
 * public data, bounded ({@value #MAX_CERTIFICATES} certificates of at most
 * {@value #MAX_CERTIFICATE_BYTES} bytes of DER each) so a key's record stays within its cap.
 * Immutable.
 */
public final class CertificateChain {

    public static final int MAX_CERTIFICATES = 10;
    public static final int MAX_CERTIFICATE_BYTES = 16 * 1024;
    public static final CertificateChain EMPTY = new CertificateChain(List.of(), List.of());

    private final List<byte[]> der;
    private final List<X509Certificate> certificates;

    private CertificateChain(List<byte[]> der, List<X509Certificate> certificates) {
        this.der = der;
        this.certificates = certificates;
    }

    /**
     * The chain of {@code certificates} (leaf first).
     *
     * @throws IllegalArgumentException more than {@value #MAX_CERTIFICATES}, a certificate longer
     *                                  than {@value #MAX_CERTIFICATE_BYTES} bytes, or one that cannot be encoded
     */
    public static CertificateChain of(List<X509Certificate> certificates) {
        if (certificates == null || certificates.isEmpty()) {
            return EMPTY;
        }
        checkCount(certificates.size()); // before encoding each of a long list
        List<byte[]> der = new ArrayList<>(certificates.size());
        for (X509Certificate c : certificates) {
            try {
                der.add(c.getEncoded()); // decode bounds its length
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("a certificate of the chain cannot be encoded: " + e.getMessage(), e);
            }
        }
        return decode(der);
    }

    /** The chain of DER certificates: a record's, or {@link #of}'s; each is bounded here and copied. */
    public static CertificateChain decode(List<byte[]> der) {
        if (der.isEmpty()) {
            return EMPTY;
        }
        checkCount(der.size());
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<byte[]> copies = new ArrayList<>(der.size());
            List<X509Certificate> parsed = new ArrayList<>(der.size());
            for (byte[] d : der) {
                byte[] copy = checkLength(d).clone();
                copies.add(copy);
                parsed.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(copy)));
            }
            return new CertificateChain(List.copyOf(copies), List.copyOf(parsed));
        } catch (CertificateException | ClassCastException e) {
            throw new IllegalArgumentException("a certificate of the chain is not X.509 DER: " + e.getMessage(), e);
        }
    }

    private static void checkCount(int n) {
        if (n > MAX_CERTIFICATES) {
            throw new IllegalArgumentException("a certificate chain holds at most " + MAX_CERTIFICATES
                    + " certificates, not " + n);
        }
    }

    private static byte[] checkLength(byte[] der) {
        if (der.length == 0 || der.length > MAX_CERTIFICATE_BYTES) {
            throw new IllegalArgumentException("a certificate of the chain must be 1 to " + MAX_CERTIFICATE_BYTES
                    + " bytes of DER, not " + der.length);
        }
        return der;
    }

    public boolean isEmpty() {
        return der.isEmpty();
    }

    public int size() {
        return der.size();
    }

    /** The certificates, leaf first. */
    public List<X509Certificate> certificates() {
        return certificates;
    }

    /** The DER of certificate {@code i}: a copy. */
    public byte[] der(int i) {
        return der.get(i).clone();
    }

    @Override
    public String toString() {
        return "CertificateChain[" + der.size() + " certificates]";
    }
}
