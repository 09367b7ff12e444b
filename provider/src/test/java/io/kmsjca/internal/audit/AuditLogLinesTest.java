package io.kmsjca.internal.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The verifiers' line reader: lines across buffer and file boundaries, their hashes, torn tails and overlong lines. */
class AuditLogLinesTest {

    @TempDir
    Path dir;

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static List<AuditLogLines.Line> all(AuditLogLines lines) throws IOException {
        List<AuditLogLines.Line> out = new ArrayList<>();
        for (AuditLogLines.Line l = lines.next(); l != null; l = lines.next()) {
            out.add(l);
        }
        return out;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void linesAcrossTheReadBuffer_andFiles_comeWholeWithTheHashOfTheirBytes_numberedPerFile() throws Exception {
        byte[] longLine = new byte[200_000]; // three reads of the 64 KiB buffer
        Arrays.fill(longLine, (byte) 'x');
        Path a = file("a", ("one\n" + new String(longLine, StandardCharsets.US_ASCII) + "\n\nfour\n").getBytes(StandardCharsets.US_ASCII));
        Path b = file("b", "five\n".getBytes(StandardCharsets.US_ASCII));
        try (AuditLogLines lines = new AuditLogLines(List.of(a, b), true)) {
            List<AuditLogLines.Line> read = all(lines);
            assertEquals(List.of("one", new String(longLine, StandardCharsets.US_ASCII), "", "four", "five"),
                    read.stream().map(AuditLogLines.Line::text).toList());
            assertEquals(List.of(1, 2, 3, 4, 1), read.stream().map(AuditLogLines.Line::number).toList());
            assertEquals(List.of(a, a, a, a, b), read.stream().map(AuditLogLines.Line::file).toList());
            assertEquals(sha256(longLine), read.get(1).hash());
            assertEquals(AuditRecords.hash("four"), read.get(3).hash());
            assertFalse(lines.tornTail());
        }
    }

    @Test
    void aNewlineThatStartsARead_endsItsLine_andTheLinesAfterItFollow() throws Exception {
        byte[] first = new byte[1 << 16]; // as long as one read of the buffer: its newline starts the next read
        Arrays.fill(first, (byte) 'x');
        byte[] rest = "\nb\nc\n".getBytes(StandardCharsets.US_ASCII);
        byte[] content = Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, content, first.length, rest.length);
        try (AuditLogLines lines = new AuditLogLines(List.of(file("a", content)), true)) {
            assertEquals(List.of(new String(first, StandardCharsets.US_ASCII), "b", "c"),
                    all(lines).stream().map(AuditLogLines.Line::text).toList());
        }
    }

    @Test
    void aLineWithBytesThatAreNotUtf8_isUnreadable_butOneHoldingTheReplacementCharacterIsRead() throws Exception {
        byte[] good = "U+FFFD \uFFFD written as UTF-8\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = {'a', (byte) 0xFF, 'b', '\n'}; // decodes to the same replacement character
        byte[] content = Arrays.copyOf(good, good.length + bad.length);
        System.arraycopy(bad, 0, content, good.length, bad.length);
        try (AuditLogLines lines = new AuditLogLines(List.of(file("a", content)), true)) {
            List<AuditLogLines.Line> read = all(lines);
            assertEquals(2, read.size());
            assertTrue(read.get(0).readable(), "UTF-8, replacement character and all");
            assertFalse(read.get(1).readable(), "not the bytes its text encodes to: not a record, whatever it says");
        }
    }

    @Test
    void theCurrentFilesUnfinishedLine_isATornTail_butARotatedFilesIsALine() throws Exception {
        Path rotated = file("rotated", "a\ncut".getBytes(StandardCharsets.US_ASCII));
        Path current = file("current", "b\nhalf".getBytes(StandardCharsets.US_ASCII));
        try (AuditLogLines lines = new AuditLogLines(List.of(rotated, current), true)) {
            assertEquals(List.of("a", "cut", "b"), all(lines).stream().map(AuditLogLines.Line::text).toList());
            assertTrue(lines.tornTail());
        }
        try (AuditLogLines lines = new AuditLogLines(List.of(rotated, current), false)) {
            assertEquals(List.of("a", "cut", "b", "half"), all(lines).stream().map(AuditLogLines.Line::text).toList());
            assertFalse(lines.tornTail(), "a batch of rotated files has no torn tail: an unfinished line is a line");
        }
    }

    @Test
    void aLineLongerThanTheCap_endsTheReadingAtTheCap_flaggedUnreadable() throws Exception {
        byte[] content = new byte[AuditLogLines.MAX_LINE_BYTES + 10];
        Arrays.fill(content, (byte) 'y');
        content[content.length - 5] = '\n'; // "next" would follow: never reached
        try (AuditLogLines lines = new AuditLogLines(List.of(file("f", content)), true)) {
            AuditLogLines.Line first = lines.next();
            assertFalse(first.readable());
            assertNull(lines.next(), "the reader stops at the first line it cannot read whole");
            assertFalse(lines.tornTail());
        }
        byte[] exactly = new byte[AuditLogLines.MAX_LINE_BYTES + 1];
        Arrays.fill(exactly, (byte) 'z');
        exactly[exactly.length - 1] = '\n';
        try (AuditLogLines lines = new AuditLogLines(List.of(file("g", exactly)), true)) {
            AuditLogLines.Line longest = lines.next();
            assertTrue(longest.readable(), "a line of exactly the cap is read");
            assertEquals(sha256(Arrays.copyOf(exactly, exactly.length - 1)), longest.hash());
        }
    }

    @Test
    void aTornTailLongerThanTheCap_isAnUnreadableLine_notATornWrite() throws Exception {
        byte[] content = new byte[AuditLogLines.MAX_LINE_BYTES + 1];
        Arrays.fill(content, (byte) 'y');
        try (AuditLogLines lines = new AuditLogLines(List.of(file("f", content)), true)) {
            assertFalse(lines.next().readable());
            assertFalse(lines.tornTail());
        }
    }

    @Test
    void aSecondPass_findsOnlyLinesAfterTheOneNamed() throws Exception {
        Path a = file("a", "x\ny\n".getBytes(StandardCharsets.US_ASCII));
        Path b = file("b", "x\nz\n".getBytes(StandardCharsets.US_ASCII));
        AuditLogLines.Line y;
        try (AuditLogLines lines = new AuditLogLines(List.of(a, b), true)) {
            lines.next();
            y = lines.next();
        }
        assertTrue(AuditLogLines.anyAfter(List.of(a, b), true, y, l -> l.text().equals("z")));
        assertTrue(AuditLogLines.anyAfter(List.of(a, b), true, y, l -> l.text().equals("x")), "b's x is after a's y");
        assertFalse(AuditLogLines.anyAfter(List.of(a, b), true, y, l -> l.text().equals("y")), "y itself is not after it");
    }
}
