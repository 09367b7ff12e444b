package io.kmsjca.benchmarks;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The throughput chart of a peer run: MB/s (log scale) by message size (log scale), one line per
 * system, encrypt on the left and decrypt on the right. Plain Java 2D, no charting library.
 */
final class ThroughputChart {

    private static final int PANEL_W = 620;
    private static final int H = 460;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 150;
    /** One colour per system; a cached variant shares its system's colour, dashed. */
    private static final Map<String, Color> COLORS = Map.of("kmsEnvelope", new Color(0xd62728),
            "kmsEnvelopeCached", new Color(0xd62728), "jdk", new Color(0x7f7f7f), "bc", new Color(0x17becf),
            "tinkAead", new Color(0x1f77b4), "tinkEnvelope", new Color(0x9467bd), "tinkStreaming", new Color(0x2ca02c),
            "esdkCommitting", new Color(0xff7f0e), "esdkDefault", new Color(0x8c564b), "esdkCaching", new Color(0xff7f0e));

    private static BasicStroke stroke(String system) {
        float width = system.startsWith("kmsEnvelope") ? 3.5f : 1.8f;
        return system.endsWith("Cached") || system.endsWith("Caching")
                ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[]{8, 5}, 0)
                : new BasicStroke(width);
    }

    private ThroughputChart() {
    }

    static void write(List<Report.Result> results, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(2 * PANEL_W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        List<Report.Result> peers = results.stream().filter(r -> !r.direction().equals("wrap")).toList();
        double max = peers.stream().mapToDouble(Report.Result::megabytesPerSecond).max().orElse(1);
        double min = peers.stream().mapToDouble(Report.Result::megabytesPerSecond).min().orElse(1);
        double top = Math.pow(10, Math.ceil(Math.log10(max)));
        double bottom = Math.pow(10, Math.floor(Math.log10(min)));
        List<Integer> sizes = new ArrayList<>(new TreeSet<>(peers.stream().map(Report.Result::size).toList()));
        panel(g, 0, "encrypt", peers, sizes, bottom, top);
        panel(g, PANEL_W, "decrypt", peers, sizes, bottom, top);
        legend(g);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static void panel(Graphics2D g, int x0, String direction, List<Report.Result> results, List<Integer> sizes,
                              double bottom, double top) {
        int plotW = PANEL_W - LEFT - RIGHT;
        int plotH = H - TOP - BOTTOM;
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(direction + ": throughput (MB/s, log) by message size", x0 + LEFT, TOP - 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double v = bottom; v <= top * 1.0001; v *= 10) {
            int y = TOP + plotH - (int) (plotH * Math.log10(v / bottom) / Math.log10(top / bottom));
            g.setColor(new Color(0xdddddd));
            g.drawLine(x0 + LEFT, y, x0 + LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(v >= 1 ? String.format("%.0f", v) : String.format("%.2f", v), x0 + 8, y + 4);
        }
        for (int i = 0; i < sizes.size(); i++) {
            int x = x0 + LEFT + (sizes.size() == 1 ? plotW / 2 : i * plotW / (sizes.size() - 1));
            g.setColor(Color.DARK_GRAY);
            g.drawString(Report.sizeName(sizes.get(i)), x - 15, TOP + plotH + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0 + LEFT, TOP, plotW, plotH);
        for (String system : Report.SYSTEMS.keySet()) {
            g.setColor(COLORS.getOrDefault(system, Color.BLACK));
            g.setStroke(stroke(system));
            int px = -1;
            int py = -1;
            for (int i = 0; i < sizes.size(); i++) {
                var r = Report.find(results, system, direction, sizes.get(i));
                if (r.isEmpty()) {
                    continue;
                }
                int x = x0 + LEFT + (sizes.size() == 1 ? plotW / 2 : i * plotW / (sizes.size() - 1));
                int y = TOP + plotH - (int) (plotH * Math.log10(r.get().megabytesPerSecond() / bottom)
                        / Math.log10(top / bottom));
                g.fillOval(x - 3, y - 3, 7, 7);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        g.setStroke(new BasicStroke(1));
    }

    private static void legend(Graphics2D g) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int row = 0;
        for (String system : Report.SYSTEMS.keySet()) { // what each system is: peers-jdkN.md
            int x = LEFT + (row % 4) * (2 * PANEL_W - LEFT) / 4;
            int y = H - BOTTOM + 50 + (row / 4) * 22;
            g.setColor(COLORS.getOrDefault(system, Color.BLACK));
            g.setStroke(stroke(system));
            g.drawLine(x, y - 4, x + 20, y - 4);
            g.setStroke(new BasicStroke(1));
            g.setColor(Color.BLACK);
            g.drawString(system, x + 24, y);
            row++;
        }
    }
}
