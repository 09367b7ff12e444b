package io.kmsjca.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link ManPageTroff} on the AsciiDoc that picocli's ManPageGenerator writes. */
class ManPageTroffTest {

    @Test
    void aPageWithEverySectionKind_becomesTroff() {
        List<String> adoc = List.of(
                "// tag::picocli-generated-full-manpage[]",
                ":doctype: manpage",
                ":manmanual: Kms Manual",
                ":mansource: kms-jca 1.0",
                "= kms-demo(1)",
                "",
                "== Name",
                "",
                "kms-demo - Show it.",
                "",
                "== Synopsis",
                "",
                "*kms demo* [*-hV*] [*--dir*=_FOLDER_]",
                "          [*--size*=_N_]",
                "",
                "== Options",
                "",
                "*--dir*=_FOLDER_::",
                "  Where to put files, e.g. KMS_HOME_DIR.",
                "+",
                "Second line.",
                "",
                "== Commands",
                "",
                "xref:kms-demo-run.adoc[*run*]::",
                "  Run it.",
                "",
                "== Example",
                "",
                "[%hardbreaks]",
                "  kms demo --dir /tmp/x",
                "pass:c[# ]a comment",
                "",
                "[%hardbreaks]",
                ".dot starts a line, \\ is a backslash, \u2014 a dash");
        String expected = String.join("\n",
                ".TH \"KMS\\-DEMO\" 1 \"2026\\-12\\-03\" \"kms\\-jca 1.0\" \"Kms Manual\"",
                ".nh",
                ".ad l",
                ".SH \"NAME\"",
                "kms\\-demo \\- Show it.",
                ".SH \"SYNOPSIS\"",
                "\\fBkms demo\\fR [\\fB\\-hV\\fR] [\\fB\\-\\-dir\\fR=\\fIFOLDER\\fR] [\\fB\\-\\-size\\fR=\\fIN\\fR]",
                ".SH \"OPTIONS\"",
                ".TP",
                "\\fB\\-\\-dir\\fR=\\fIFOLDER\\fR",
                "Where to put files, e.g. KMS_HOME_DIR.",
                ".br",
                "Second line.",
                ".SH \"COMMANDS\"",
                ".TP",
                "\\fBrun\\fR",
                "Run it.",
                ".SH \"EXAMPLE\"",
                ".PP",
                ".nf",
                "  kms demo \\-\\-dir /tmp/x",
                "# a comment",
                ".fi",
                ".PP",
                ".nf",
                "\\&.dot starts a line, \\e is a backslash, \\[u2014] a dash",
                ".fi",
                "");
        assertEquals(expected, ManPageTroff.convert(adoc, "2026-12-03"));
    }

    @Test
    void thePagesDate_isTheDayOfTheOutputTimestamp_inEitherForm() {
        assertEquals("2026-12-03", DistributionFiles.day("2026-12-03T00:00:00Z"));
        assertEquals("2023-11-14", DistributionFiles.day("1700000000"));
    }

    @Test
    void paragraphsAfterTheFirstOfASection_areSeparated() {
        String page = ManPageTroff.convert(List.of("= kms(1)", "== Description", "", "One", "two.", "", "Three."), "2026-12-03");
        assertEquals(".TH \"KMS\" 1 \"2026\\-12\\-03\" \"\" \"\"\n.nh\n.ad l\n.SH \"DESCRIPTION\"\nOne two.\n.PP\nThree.\n", page);
    }
}
