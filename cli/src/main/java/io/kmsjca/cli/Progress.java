package io.kmsjca.cli;

import java.io.PrintWriter;

/**
 * A progress bar on the terminal for large files ({@code [#####-----]  50%  512/1024 MiB}),
 * redrawn in place at most once per percent; silent when output is not a terminal.
 */
final class Progress {

    static final long MIN_BYTES = 16L << 20;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final long total;
    private final boolean shown;
    private long done;
    private int lastPercent = -1;

    Progress(PrintWriter err, long total, boolean shown) {
        this.err = err;
        this.total = total;
        this.shown = shown;
    }

    /** A bar for {@code total} bytes, shown only on a terminal, for large files, unless turned off. */
    static Progress forFile(PrintWriter err, long total, boolean noProgress) {
        return new Progress(err, total, !noProgress && total >= MIN_BYTES && System.console() != null);
    }

    void advance(long bytes) {
        done += bytes;
        int percent = total == 0 ? 100 : (int) Math.min(100, done * 100 / total);
        if (shown && percent != lastPercent) {
            lastPercent = percent;
            err.print("\r" + bar(done, total));
            err.flush();
        }
    }

    void finish() {
        if (shown) {
            err.println();
            err.flush();
        }
    }

    static String bar(long done, long total) {
        int percent = total == 0 ? 100 : (int) Math.min(100, done * 100 / total);
        int filled = percent * WIDTH / 100;
        return "[" + "#".repeat(filled) + "-".repeat(WIDTH - filled) + "] " + String.format("%3d%%  %d/%d MiB",
                percent, done >> 20, total >> 20);
    }
}
