package io.kmsjca.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Prints a result, a map of AWS CLI field names to strings, numbers, booleans, nested maps and
 * lists, as the AWS CLI does: {@code json} (default), {@code text} (tab-separated values, one
 * line per object, nested objects prefixed by their upper-cased field name) or {@code table}.
 * {@code --query A.B} prints one field alone (a string without quotes in text output).
 */
final class Output {

    enum Format { json, text, table }

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private Output() {
    }

    static void print(PrintWriter out, Format format, String query, String title, Map<String, ?> result) {
        Object value = query == null ? result : select(result, query);
        switch (format) {
            case json -> out.println(GSON.toJson(value));
            case text -> text(out, "", value);
            case table -> table(out, title, value);
        }
        out.flush();
    }

    static String json(Object value) {
        return GSON.toJson(value);
    }

    private static Object select(Map<String, ?> result, String query) {
        Object value = result;
        for (String name : query.split("\\.", -1)) {
            if (!(value instanceof Map<?, ?> map) || !map.containsKey(name)) {
                throw new CliException(ExitCode.USAGE, "--query " + query + ": no field '" + name + "' in the result"
                        + (value instanceof Map<?, ?> m ? "; it has " + m.keySet() : ""));
            }
            value = map.get(name);
        }
        return value;
    }

    // ---------------------------------------------------------------- text

    private static void text(PrintWriter out, String prefix, Object value) {
        if (value instanceof Map<?, ?> map) {
            List<String> scalars = new ArrayList<>();
            map.values().stream().filter(v -> !isNested(v)).forEach(v -> scalars.add(String.valueOf(v)));
            if (!scalars.isEmpty()) {
                out.println((prefix.isEmpty() ? "" : prefix + "\t") + String.join("\t", scalars));
            }
            map.forEach((k, v) -> {
                if (isNested(v)) {
                    text(out, k.toString().toUpperCase(Locale.ROOT), v);
                }
            });
        } else if (value instanceof List<?> list) {
            if (list.stream().anyMatch(Output::isNested)) {
                list.forEach(item -> text(out, prefix, item));
            } else if (!list.isEmpty()) {
                out.println((prefix.isEmpty() ? "" : prefix + "\t")
                        + list.stream().map(String::valueOf).collect(Collectors.joining("\t")));
            }
        } else {
            out.println(value);
        }
    }

    private static boolean isNested(Object v) {
        return v instanceof Map || v instanceof List;
    }

    // ---------------------------------------------------------------- table

    private static void table(PrintWriter out, String title, Object value) {
        List<String[]> rows = new ArrayList<>();
        Map<String, List<Map<?, ?>>> lists = new LinkedHashMap<>();
        flatten("", value, rows, lists);
        if (!rows.isEmpty()) {
            box(out, title, new String[] {"Field", "Value"}, rows);
        }
        lists.forEach((name, items) -> {
            List<String> columns = new ArrayList<>();
            items.forEach(item -> item.keySet().forEach(k -> {
                if (!columns.contains(k.toString())) {
                    columns.add(k.toString());
                }
            }));
            List<String[]> cells = items.stream().map(item -> columns.stream()
                    .map(c -> cell(item.get(c))).toArray(String[]::new)).toList();
            box(out, name, columns.toArray(String[]::new), cells);
        });
    }

    private static void flatten(String path, Object value, List<String[]> rows, Map<String, List<Map<?, ?>>> lists) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(path.isEmpty() ? k.toString() : path + "." + k, v, rows, lists));
        } else if (value instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(i -> i instanceof Map)) {
            lists.put(path, list.stream().<Map<?, ?>>map(i -> (Map<?, ?>) i).toList());
        } else {
            rows.add(new String[] {path.isEmpty() ? "Value" : path, cell(value)});
        }
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        return v instanceof List<?> list ? list.stream().map(String::valueOf).collect(Collectors.joining(", ")) : v.toString();
    }

    private static void box(PrintWriter out, String title, String[] header, List<String[]> rows) {
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] row : rows) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        int total = header.length + 1;
        for (int w : width) {
            total += w + 2;
        }
        String rule = "+" + "-".repeat(total - 2) + "+";
        out.println(rule);
        out.println("|" + center(title, total - 2) + "|");
        out.println(separator(width));
        out.println(line(header, width));
        out.println(separator(width));
        rows.forEach(r -> out.println(line(r, width)));
        out.println(separator(width));
    }

    private static String separator(int[] width) {
        StringBuilder b = new StringBuilder("+");
        for (int w : width) {
            b.append("-".repeat(w + 2)).append('+');
        }
        return b.toString();
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder("|");
        for (int c = 0; c < width.length; c++) {
            b.append(' ').append(cells[c]).append(" ".repeat(width[c] - cells[c].length())).append(" |");
        }
        return b.toString();
    }

    private static String center(String s, int width) {
        String t = s.length() > width ? s.substring(0, width) : s;
        int left = (width - t.length()) / 2;
        return " ".repeat(left) + t + " ".repeat(width - t.length() - left);
    }
}
