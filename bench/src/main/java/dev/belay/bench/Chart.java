package dev.belay.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** The report's PNG: four panels of bars, one bar per server, drawn with java.awt headless. */
final class Chart {
  private static final Color[] COLORS = {new Color(0x2b6cb0), new Color(0x1a4480), new Color(0x63a4e0),
      new Color(0x9cc8ef), new Color(0x68a063), new Color(0xd69e2e), new Color(0x888888)};
  private static final int W = 1200;
  private static final int H = 800;

  /** Short bar labels: the full names do not fit under 600-pixel panels. */
  private static final java.util.Map<String, String> SHORT = java.util.Map.of("belay", "Belay",
      "belay-io", "Belay io", "belay-engine", "engine", "belay-engine-io", "engine io", "node", "Node",
      "netty", "netty", "floor", "floor");

  private Chart() {}

  private record Panel(String title, String key, String field, String unit) { }

  static void write(Report r, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    List<Panel> panels = List.of(
        new Panel("WebSocket echo (ack), round trips/s — higher is better", "echo-ack:ws", "perS", ""),
        new Panel("Long-polling echo (ack), round trips/s — higher is better", "echo-ack:polling", "perS", ""),
        new Panel("Fan-out over WebSocket, p99 delivery latency — lower is better", "fanout:ws", "p99Ms", " ms"),
        new Panel("Idle WebSocket connection, heap per connection — lower is better", "idle:ws", "heapPerConnKb", " KB"));
    BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, W, H);
    List<String> servers = r.servers();
    for (int p = 0; p < panels.size(); p++) {
      int x0 = (p % 2) * W / 2;
      int y0 = (p / 2) * H / 2;
      panel(g, r, panels.get(p), servers, x0 + 30, y0 + 20, W / 2 - 60, H / 2 - 40);
    }
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }

  private static void panel(Graphics2D g, Report r, Panel p, List<String> servers, int x, int y, int w, int h) {
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.drawString(p.title(), x, y + 14);
    double max = 0;
    for (String s : servers) {
      double v = r.value(p.key(), s, p.field());
      if (!Double.isNaN(v)) {
        max = Math.max(max, v);
      }
    }
    int top = y + 40;
    int bottom = y + h - 30;
    int slot = w / servers.size();
    g.setStroke(new BasicStroke(1));
    g.drawLine(x, bottom, x + w, bottom);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int i = 0; i < servers.size(); i++) {
      String s = servers.get(i);
      double v = r.value(p.key(), s, p.field());
      int bx = x + i * slot + slot / 6;
      int bw = slot * 2 / 3;
      g.setColor(Color.BLACK);
      String name = SHORT.getOrDefault(s, s);
      g.drawString(name, bx + (bw - g.getFontMetrics().stringWidth(name)) / 2, bottom + 16);
      if (Double.isNaN(v) || max == 0) {
        g.setColor(Color.GRAY);
        g.drawString("n/a", bx + bw / 2 - 8, bottom - 6);
        continue;
      }
      int bh = (int) ((bottom - top) * v / max);
      g.setColor(COLORS[Math.max(0, Report.SERVERS.indexOf(s)) % COLORS.length]);
      g.fillRect(bx, bottom - bh, bw, bh);
      g.setColor(Color.BLACK);
      String label = Report.fmt(v) + p.unit();
      g.drawString(label, bx + (bw - g.getFontMetrics().stringWidth(label)) / 2, bottom - bh - 4);
    }
  }
}
