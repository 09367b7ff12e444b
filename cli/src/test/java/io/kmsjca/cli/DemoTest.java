package io.kmsjca.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class DemoTest {

    @TempDir
    Path dir;

    @Test
    void demo_walksTheFourStepsAndRecoversTheFile() throws Exception {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"demo", "--dir", dir.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, printed + err);
        for (String step : new String[] {"1. created master key", "2. generated a 256-bit data key", "3. encrypted", "4. reopened"}) {
            assertTrue(printed.contains(step), printed);
        }
        assertTrue(printed.contains("OK: the decrypted file matches"), printed);
        assertTrue(Files.exists(dir.resolve("demo-keys.kms")));
        assertEquals(149, Files.size(dir.resolve("report.txt.key")));
        assertFalse(printed.contains("kms-demo-password"), "the password never appears in output");
    }

    @Test
    void unknownCommand_exitsWith2AndSaysWhatToDo() {
        var err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"frobnicate"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("kms --help"));
    }
}
