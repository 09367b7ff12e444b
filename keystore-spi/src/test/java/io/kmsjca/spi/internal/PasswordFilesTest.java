package io.kmsjca.spi.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class PasswordFilesTest {

    @TempDir
    Path dir;

    private char[] read(byte[] content) throws Exception {
        return PasswordFiles.firstLine(Files.write(dir.resolve("pw"), content));
    }

    @Test
    void theFirstLine_withoutTheLineEndOrSurroundingWhiteSpace() throws Exception {
        assertArrayEquals("s3cret pass".toCharArray(), read("  s3cret pass \r\nsecond line\n".getBytes()));
        assertArrayEquals("pässwörd".toCharArray(), read("pässwörd".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertArrayEquals(new char[0], read(new byte[0]));
    }

    @Test
    void tooLongOrNotUtf8_isRefusedWithoutEchoingTheContent() throws Exception {
        var tooLong = assertThrows(IllegalArgumentException.class, () -> read(new byte[PasswordFiles.MAX_BYTES + 1]));
        assertTrue(tooLong.getMessage().contains("longer than 4096"), tooLong.getMessage());
        assertEquals(PasswordFiles.MAX_BYTES, read(("x".repeat(PasswordFiles.MAX_BYTES)).getBytes()).length, "the limit itself is allowed");
        var notText = assertThrows(IllegalArgumentException.class, () -> read(new byte[] {'Q', (byte) 0xff, 'Z'}));
        assertTrue(notText.getMessage().contains("not UTF-8"), notText.getMessage());
        assertFalse(notText.getMessage().contains("Q") || notText.getMessage().contains("Z"), notText.getMessage());
    }
}
