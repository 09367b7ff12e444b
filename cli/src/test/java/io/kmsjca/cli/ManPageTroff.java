package io.kmsjca.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a man page that picocli's {@code ManPageGenerator} wrote as AsciiDoc into troff for
 * {@code man}, without asciidoctor. It reads only what that generator writes (docs/decisions.md,
 * "Man pages in troff without asciidoctor"): attribute lines, the {@code = name(1)} title,
 * {@code ==} sections, paragraphs, {@code term::} lists whose terms carry {@code *bold*} and
 * {@code _italic_} (also in the synopsis), {@code xref:} links and {@code [%hardbreaks]} footers.
 * Other text is printed as it is, escaped for troff.
 */
final class ManPageTroff {

    private static final Pattern ATTRIBUTE = Pattern.compile(":([a-z-]+): ?(.*)");
    private static final Pattern TITLE = Pattern.compile("= (\\S+)\\((\\d)\\)");
    private static final Pattern XREF = Pattern.compile("xref:[^\\[]+\\[(.*)]");
    private static final Pattern BOLD = Pattern.compile("\\*([^*]+)\\*");
    private static final Pattern ITALIC = Pattern.compile("(?<![\\w])_([^_]+)_(?![\\w])");

    private final StringBuilder out = new StringBuilder();
    private final List<String> paragraph = new ArrayList<>();
    private String section = "";
    /** True right after .SH, .TP or .br: the next text needs no .PP of its own. */
    private boolean blockStarted;
    private boolean noFill;

    private ManPageTroff() {
    }

    /** The troff page of {@code adoc}, dated {@code date} (YYYY-MM-DD). */
    static String convert(List<String> adoc, String date) {
        ManPageTroff page = new ManPageTroff();
        String source = "";
        String manual = "";
        for (String line : adoc) {
            Matcher attribute = ATTRIBUTE.matcher(line);
            Matcher title = TITLE.matcher(line);
            if (line.startsWith("//")) {
                continue;
            } else if (attribute.matches()) {
                if (attribute.group(1).equals("mansource")) {
                    source = attribute.group(2);
                } else if (attribute.group(1).equals("manmanual")) {
                    manual = attribute.group(2);
                }
            } else if (title.matches()) {
                page.out.append(".TH ").append(quoted(title.group(1).toUpperCase(Locale.ROOT))).append(' ').append(title.group(2))
                        .append(' ').append(quoted(date)).append(' ').append(quoted(source)).append(' ')
                        .append(quoted(manual)).append('\n');
                // no hyphenation and a ragged right margin: option names stay whole, as typed
                page.out.append(".nh\n.ad l\n");
            } else {
                page.line(line);
            }
        }
        page.endBlock();
        return page.out.toString();
    }

    private void line(String line) {
        if (line.startsWith("== ")) {
            endBlock();
            section = line.substring(3).trim();
            control(".SH " + quoted(section.toUpperCase(Locale.ROOT)));
        } else if (line.equals("[%hardbreaks]")) {
            endBlock();
            control(".PP");
            out.append(".nf\n");
            noFill = true;
        } else if (noFill) {
            if (line.isBlank()) {
                endBlock();
            } else {
                out.append(text(line.replace("pass:c[# ]", "# "))).append('\n');
            }
        } else if (line.endsWith("::")) {
            endBlock();
            control(".TP");
            out.append(marked(line.substring(0, line.length() - 2))).append('\n');
        } else if (line.equals("+")) {
            endBlock();
            control(".br");
        } else if (line.isBlank()) {
            endBlock();
        } else {
            paragraph.add(line.trim());
        }
    }

    private void control(String request) {
        out.append(request).append('\n');
        blockStarted = true;
    }

    /** Prints the lines gathered so far as one filled paragraph, and leaves no-fill mode. */
    private void endBlock() {
        if (noFill) {
            out.append(".fi\n");
            noFill = false;
            blockStarted = false;
        }
        if (paragraph.isEmpty()) {
            return;
        }
        String joined = String.join(" ", paragraph);
        if (!blockStarted) {
            out.append(".PP\n");
        }
        // picocli marks up the synopsis itself; elsewhere '*' and '_' are the command's own text
        out.append(section.equals("Synopsis") ? marked(joined) : text(joined)).append('\n');
        paragraph.clear();
        blockStarted = false;
    }

    /** Text with picocli's markup: {@code xref:page[label]}, {@code *bold*}, {@code _italic_}. */
    static String marked(String adoc) {
        Matcher xref = XREF.matcher(adoc);
        String line = xref.matches() ? xref.group(1) : adoc;
        line = text(line);
        line = BOLD.matcher(line).replaceAll(m -> Matcher.quoteReplacement("\\fB" + m.group(1) + "\\fR"));
        return ITALIC.matcher(line).replaceAll(m -> Matcher.quoteReplacement("\\fI" + m.group(1) + "\\fR"));
    }

    /**
     * Plain text escaped for troff: backslashes, hyphens (so that options read as typed), a
     * control character at the start of a line, and anything outside ASCII as a named code point.
     */
    static String text(String plain) {
        StringBuilder out = new StringBuilder();
        if (plain.startsWith(".") || plain.startsWith("'")) {
            out.append("\\&");
        }
        plain.codePoints().forEach(c -> {
            if (c == '\\') {
                out.append("\\e");
            } else if (c == '-') {
                out.append("\\-");
            } else if (c > 126) {
                out.append(String.format(Locale.ROOT, "\\[u%04X]", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private static String quoted(String value) {
        return '"' + text(value).replace("\"", "\\(dq") + '"';
    }
}
