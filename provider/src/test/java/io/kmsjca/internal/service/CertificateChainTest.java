package io.kmsjca.internal.service;

import io.kmsjca.internal.model.CertificateChain;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A key's certificate chain on its own: its bounds at their edges (a refusal by the bound says so,
 * one inside it fails only as bad DER), and its bytes copied in and out.
 */
class CertificateChainTest {

    private static String refusal(List<byte[]> der) {
        return assertThrows(IllegalArgumentException.class, () -> CertificateChain.decode(der)).getMessage();
    }

    @Test
    void tenCertificates_areWithinTheBound_elevenAreNot() {
        String ten = refusal(Collections.nCopies(CertificateChain.MAX_CERTIFICATES, new byte[] {0x30, 0x00}));
        assertTrue(ten.contains("not X.509 DER"), ten);
        String eleven = refusal(Collections.nCopies(CertificateChain.MAX_CERTIFICATES + 1, new byte[] {0x30, 0x00}));
        assertTrue(eleven.contains("at most 10 certificates, not 11"), eleven);
    }

    @Test
    void aCertificateOf16KiB_isWithinTheBound_oneByteMoreOrAnEmptyOneIsNot() {
        String atBound = refusal(List.of(new byte[CertificateChain.MAX_CERTIFICATE_BYTES]));
        assertTrue(atBound.contains("not X.509 DER"), atBound);
        String over = refusal(List.of(new byte[CertificateChain.MAX_CERTIFICATE_BYTES + 1]));
        assertTrue(over.contains("1 to 16384 bytes of DER, not 16385"), over);
        String empty = refusal(List.of(new byte[0]));
        assertTrue(empty.contains("not 0"), empty);
    }

    @Test
    void ofCertificates_boundsTheirNumberAndKeepsTheirDer_leafFirst() throws Exception {
        KeyPair ca = AsymmetricTestSupport.ca();
        List<X509Certificate> chain = new ArrayList<>();
        for (int i = 0; i < CertificateChain.MAX_CERTIFICATES + 1; i++) {
            chain.add(AsymmetricTestSupport.issue(ca.getPublic(), "c" + i, ca, "ca"));
        }
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class, () -> CertificateChain.of(chain));
        assertTrue(tooMany.getMessage().contains("not 11"), tooMany.getMessage());

        CertificateChain two = CertificateChain.of(chain.subList(0, 2));
        assertEquals(2, two.size());
        assertEquals(chain.subList(0, 2), two.certificates());
        assertArrayEquals(chain.get(1).getEncoded(), two.der(1));
        assertEquals("CertificateChain[2 certificates]", two.toString());
        assertSame(CertificateChain.EMPTY, CertificateChain.of(List.of()));
        assertSame(CertificateChain.EMPTY, CertificateChain.of(null));
        assertSame(CertificateChain.EMPTY, CertificateChain.decode(List.of()));
    }

    @Test
    void theDerIsCopiedIn_andEachReadIsACopy() throws Exception {
        KeyPair ca = AsymmetricTestSupport.ca();
        byte[] der = AsymmetricTestSupport.issue(ca.getPublic(), "leaf", ca, "ca").getEncoded();
        byte[] original = der.clone();
        CertificateChain chain = CertificateChain.decode(List.of(der));
        der[der.length - 1] ^= 1; // the caller's array changes after the chain was made
        assertArrayEquals(original, chain.der(0));
        chain.der(0)[0] ^= 1; // a reader changes what it was given
        assertArrayEquals(original, chain.der(0));
    }
}
