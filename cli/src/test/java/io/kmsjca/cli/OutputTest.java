package io.kmsjca.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class OutputTest {

    private static final Map<String, Object> RESULT = Shapes.result().with("KeyId", "k1").with("Enabled", true)
            .with("Tags", List.of(Shapes.result().with("TagKey", "a").with("TagValue", "1"),
                    Shapes.result().with("TagKey", "b").with("TagValue", "2")))
            .with("Aliases", List.of("alias/x", "alias/y"));

    private static String print(Output.Format format, String query) {
        StringWriter s = new StringWriter();
        Output.print(new PrintWriter(s), format, query, "title", RESULT);
        return s.toString();
    }

    @Test
    void text_isTabSeparated_nestedObjectsPrefixedByTheirName() {
        assertEquals("k1\ttrue\nTAGS\ta\t1\nTAGS\tb\t2\nALIASES\talias/x\talias/y\n", print(Output.Format.text, null));
    }

    @Test
    void table_hasAFieldTable_andATablePerListOfObjects() {
        String table = print(Output.Format.table, null);
        assertTrue(table.contains("| KeyId   | k1               |"), table);
        assertTrue(table.contains("| Aliases | alias/x, alias/y |"), table);
        assertTrue(table.contains("| TagKey | TagValue |") && table.contains("| b      | 2        |"), table);
    }

    @Test
    void query_selectsOneField_andNamesTheFieldsWhenMissing() {
        assertEquals("k1\n", print(Output.Format.text, "KeyId"));
        assertEquals("\"k1\"\n", print(Output.Format.json, "KeyId"));
        CliException e = assertThrows(CliException.class, () -> print(Output.Format.json, "Nope"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("KeyId"), e.getMessage());
    }

    @Test
    void json_leavesOutAbsentFields() {
        assertEquals("{\n  \"A\": 1\n}", Output.json(Shapes.result().with("A", 1).with("B", null)));
    }

    @Test
    void progressBar() {
        assertEquals("[###############---------------]  50%  512/1024 MiB", Progress.bar(512L << 20, 1024L << 20));
        assertEquals("[##############################] 100%  0/0 MiB", Progress.bar(0, 0));
    }
}
