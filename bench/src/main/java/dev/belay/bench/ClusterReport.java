package dev.belay.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code cluster-report --in DIR --out FILE.md}: the cross-node fan-out comparison from the
 * {@code fanout-cluster} rows that bench/run-cluster.sh collected in {@code DIR/belay.jsonl} and
 * {@code DIR/node.jsonl}, with {@code DIR/machine.txt} and {@code DIR/sizes.txt}: one column per
 * cluster run (Belay's first, each kind's in the order run), and Belay/Node when each ran once.
 *
 * <pre>{@code java -jar belay-bench.jar cluster-report --in bench/results/tmp/2026-12-03-0800 --out r.md}</pre>
 */
public final class ClusterReport {
  static final List<String> KINDS = List.of("belay", "node");
  static final Map<String, String> NAMES = Map.of(
      "belay", "Belay ×2 (RedisStreamsAdapter)",
      "node", "Node socket.io 4.8 ×2 (redis-streams-adapter 0.3.1)");

  private ClusterReport() {}

  public static void main(String[] args) throws IOException {
    Path in = Path.of(opt(args, "--in", "bench/results/tmp"));
    Path out = Path.of(opt(args, "--out", "bench/results/cluster.md"));
    String md = render(in);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md);
    System.out.println("wrote " + out);
  }

  /** The Markdown report for the runs in {@code in}. */
  static String render(Path in) throws IOException {
    List<String> heads = new ArrayList<>();
    List<JsonObject> rows = new ArrayList<>();
    for (String kind : KINDS) {
      Path f = in.resolve(kind + ".jsonl");
      if (!Files.exists(f)) {
        continue;
      }
      int round = 0;
      for (String line : Files.readAllLines(f)) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject o = JsonParser.parseString(line).getAsJsonObject();
        if (!"fanout-cluster".equals(str(o, "scenario"))) {
          continue;
        }
        round++;
        heads.add(NAMES.get(kind) + (round > 1 ? ", run " + round : ""));
        rows.add(o);
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# Cross-node fan-out: ").append(in.getFileName()).append("\n\n");
    md.append("Produced by `bench/run-cluster.sh` (see bench/README.md, \"Cross-node fan-out\"). One"
        + " redis-server; two nodes of each kind in turn on it, each node a fresh process; clients"
        + " dealt in turn to node 1 and node 2, the sender on node 1; every client in the room the"
        + " broadcast goes to, the sender too. Latency: from the sender's send time to each"
        + " client's receipt, one clock (the generator's). Server CPU: both nodes' /proc CPU"
        + " seconds over the measured broadcasts, divided by the deliveries; Redis's apart.\n\n");
    appendFile(md, in.resolve("machine.txt"), "Machine");
    appendFile(md, in.resolve("sizes.txt"), "Sizes used");
    md.append("## Results\n\n| |");
    for (String h : heads) {
      md.append(' ').append(h).append(" |");
    }
    boolean ratio = rows.size() == 2 && "belay".equals(str(rows.get(0), "server"))
        && "node".equals(str(rows.get(1), "server"));
    if (ratio) {
      md.append(" Belay/Node |");
    }
    md.append("\n|---|").append("---:|".repeat(heads.size() + (ratio ? 1 : 0))).append('\n');
    line(md, rows, ratio, "broadcasts (measured)", "broadcasts", "%,.0f", false);
    line(md, rows, ratio, "clients, sender included", null, null, false);
    line(md, rows, ratio, "deliveries expected", "expected", "%,.0f", false);
    line(md, rows, ratio, "deliveries received", "delivered", "%,.0f", false);
    line(md, rows, ratio, "missing deliveries", "missing", "%,.0f", false);
    line(md, rows, ratio, "clients that missed a broadcast", "incompleteClients", "%,.0f", false);
    line(md, rows, ratio, "duplicate deliveries", "duplicates", "%,.0f", false);
    line(md, rows, ratio, "clients lost", "failed", "%,.0f", false);
    line(md, rows, ratio, "deliveries/s (offered: rate × clients)", "perS", "%,.0f", false);
    line(md, rows, ratio, "p50 latency, ms", "p50Ms", "%.1f", ratio);
    line(md, rows, ratio, "p99 latency, ms", "p99Ms", "%.1f", ratio);
    line(md, rows, ratio, "max latency, ms", "maxMs", "%.1f", ratio);
    line(md, rows, ratio, "p50 / p99 on node 1 (the sender's), ms", "node1P50Ms/node1P99Ms", "%.1f", false);
    line(md, rows, ratio, "p50 / p99 on node 2 (via Redis), ms", "node2P50Ms/node2P99Ms", "%.1f", false);
    line(md, rows, ratio, "server CPU per delivery, µs (both nodes)", "cpuUsPerDelivery", "%.2f", ratio);
    line(md, rows, ratio, "server CPU, s (node 1 + node 2)", "serverCpuS", "%.2f", ratio);
    line(md, rows, ratio, "server CPU by node, s", "serverCpuSByNode", null, false);
    line(md, rows, ratio, "redis-server CPU, s", "redisCpuS", "%.2f", false);
    line(md, rows, ratio, "generator CPU, s", "genCpuS", "%.2f", false);
    for (JsonObject o : rows) {
      if (o.has("error")) {
        md.append("\n").append(str(o, "server")).append(" failed: ").append(str(o, "error")).append('\n');
      }
    }
    return md.toString();
  }

  /** One row of the table; {@code column}: the table has a Belay/Node column, filled when {@code ratio}. */
  private static void line(StringBuilder md, List<JsonObject> rows, boolean column, String head, String field,
      String fmt, boolean ratio) {
    md.append("| ").append(head).append(" |");
    for (JsonObject o : rows) {
      md.append(' ').append(cell(o, field, fmt)).append(" |");
    }
    if (column) {
      double a = num(rows.get(0), field);
      double b = num(rows.get(1), field);
      md.append(' ').append(ratio && b > 0 && !Double.isNaN(a) ? String.format(Locale.ROOT, "%.2f", a / b) : "").append(" |");
    }
    md.append('\n');
  }

  private static String cell(JsonObject o, String field, String fmt) {
    if (o.has("error")) {
      return "failed";
    }
    if (field == null) {
      // Clients per node: the generator's count of those still connected at the end.
      long n1 = (long) num(o, "node1Clients");
      long n2 = (long) num(o, "node2Clients");
      return String.format(Locale.ROOT, "%,d (%,d + %,d)", n1 + n2, n1, n2);
    }
    if (field.contains("/")) {
      String[] f = field.split("/");
      return fmt(num(o, f[0]), fmt) + " / " + fmt(num(o, f[1]), fmt);
    }
    if (fmt == null) {
      return o.has(field) ? o.get(field).getAsString() : "n/a";
    }
    return fmt(num(o, field), fmt);
  }

  private static String fmt(double v, String fmt) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, fmt, v);
  }

  private static double num(JsonObject o, String field) {
    if (field == null || !o.has(field) || o.get(field).isJsonNull()) {
      return Double.NaN;
    }
    try {
      return o.get(field).getAsDouble();
    } catch (RuntimeException notANumber) {
      return Double.NaN;
    }
  }

  private static String str(JsonObject o, String field) {
    return o.has(field) && !o.get(field).isJsonNull() ? o.get(field).getAsString() : "";
  }

  private static void appendFile(StringBuilder md, Path file, String title) throws IOException {
    if (Files.exists(file)) {
      md.append("## ").append(title).append("\n\n```\n").append(Files.readString(file).trim()).append("\n```\n\n");
    }
  }

  private static String opt(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }
}
