package io.kmsjca.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsymmetricReportTest {

    private static String run(String benchmark, String params, double score, double error, String unit) {
        return "{\"benchmark\":\"io.kmsjca.benchmarks." + benchmark + "\",\"params\":{" + params
                + "},\"primaryMetric\":{\"score\":" + score + ",\"scoreError\":" + error + ",\"scoreUnit\":\"" + unit + "\"}}";
    }

    private static final String JSON = "[" + String.join(",",
            run("SignatureBenchmark.jdkSign", "\"spec\":\"ECC_NIST_P256\"", 40, 2, "us/op"),
            run("SignatureBenchmark.kmsSign", "\"spec\":\"ECC_NIST_P256\"", 42, 2, "us/op"),
            run("SignatureBenchmark.jdkSign", "\"spec\":\"RSA_2048\"", 1000, 10, "us/op"),
            run("SignatureBenchmark.kmsSign", "\"spec\":\"RSA_2048\"", 1300, 10, "us/op"),
            run("SignatureBenchmark.kmsKeyServiceSign", "\"spec\":\"RSA_2048\"", 1250, 10, "us/op"),
            run("TlsHandshakeBenchmark.pkcs12Handshake", "\"key\":\"EC\"", 3.0, 0.3, "ms/op"),
            run("TlsHandshakeBenchmark.kmsHandshake", "\"key\":\"EC\"", 3.15, 0.3, "ms/op")) + "]";

    @Test
    void rows_pairEachKmsResultWithItsBaselineOfTheSameParameters() {
        List<AsymmetricReport.Row> rows = AsymmetricReport.rows(AsymmetricReport.parse(JSON));
        assertEquals(4, rows.size());
        AsymmetricReport.Row ec = rows.get(0);
        assertEquals("ECC_NIST_P256", ec.key());
        assertEquals(1.05, ec.ratio(), 1e-9);
        // first order: 1.05 * sqrt((2/42)^2 + (2/40)^2)
        assertEquals(1.05 * Math.sqrt(Math.pow(2.0 / 42, 2) + Math.pow(2.0 / 40, 2)), ec.ratioError(), 1e-9);
        assertEquals(1000, rows.get(1).baseline().micros(), 1e-9);
        assertEquals(3150, rows.get(3).kms().micros(), 1e-9);
    }

    @Test
    void markdown_saysMetMissedOrWithinError() {
        String md = AsymmetricReport.markdown(AsymmetricReport.rows(AsymmetricReport.parse(JSON)));
        assertTrue(md.contains("| sign 1 KiB, Signature reused | ECC_NIST_P256 | 40.00 ± 2.00 | 42.00 ± 2.00 | 1.050 ± 0.073 | met (within error) |"), md);
        assertTrue(md.contains("| sign 1 KiB, Signature reused | RSA_2048 | 1,000 ± 10 | 1,300 ± 10 | 1.300 ± 0.016 | **missed** by 18 % |"), md);
        assertTrue(md.contains("| KeyService.sign of 1 KiB RAW (no JCA) vs JDK sign | RSA_2048 | 1,000 ± 10 | 1,250 ± 10 | 1.250 ± 0.016 | – |"), md);
        assertTrue(md.contains("| TLS 1.3 handshake | EC | 3,000 ± 300 | 3,150 ± 300 | 1.050 ± 0.145 | met (within error) |"), md);
    }

    @Test
    void verdict_metOnlyWhenTheWholeIntervalIsUnderTheTarget() {
        String md = AsymmetricReport.markdown(AsymmetricReport.rows(AsymmetricReport.parse("[" + String.join(",",
                run("SignatureBenchmark.jdkSign", "\"spec\":\"X\"", 100, 0.1, "us/op"),
                run("SignatureBenchmark.kmsSign", "\"spec\":\"X\"", 101, 0.1, "us/op")) + "]")));
        assertTrue(md.contains("| 1.010 ± 0.001 | met |"), md);
    }
}
