package dev.belay.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.bench.load.Recorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code report --in DIR --out FILE.md}: reads the JSON lines the generator wrote for each server
 * ({@code DIR/*.jsonl}), and {@code DIR/machine.txt} and {@code DIR/sizes.txt} written by run.sh,
 * and writes the comparison in Markdown with ratios Belay/peer, the performance bar checked, and a
 * PNG chart beside it.
 */
public final class Report {
  /** Display order; a server missing from the run is left out. */
  static final List<String> SERVERS =
      List.of("belay", "belay-io", "belay-recovery", "belay-engine", "belay-engine-io", "node", "netty", "floor");
  static final Map<String, String> NAMES = Map.of("belay", "Belay", "belay-io", "Belay, listeners on I/O thread",
      "belay-recovery", "Belay, connection state recovery on",
      "belay-engine", "Belay engine only", "belay-engine-io", "Belay engine only, listeners on I/O thread",
      "node", "Node socket.io 4.8", "netty", "netty-socketio 2.0.14", "floor", "Undertow floor");
  /** The Belay configurations the bar is checked for, each in its own column. */
  private static final List<String> OURS_IN_BAR = List.of("belay", "belay-io");

  private final Map<String, Map<String, JsonObject>> rows = new LinkedHashMap<>(); // key -> server -> row
  private final StringBuilder md = new StringBuilder();

  private Report() {}

  public static void main(String[] args) throws IOException {
    Path in = Path.of(opt(args, "--in", "bench/results/tmp"));
    Path out = Path.of(opt(args, "--out", "bench/results/report.md"));
    Report r = new Report();
    r.load(in);
    String png = out.getFileName().toString().replaceAll("\\.md$", "") + ".png";
    r.write(in, png);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, r.md.toString());
    Chart.write(r, out.resolveSibling(png));
    System.out.println("wrote " + out + " and " + out.resolveSibling(png));
  }

  private static String opt(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }

  private void load(Path dir) throws IOException {
    Map<String, Map<String, List<JsonObject>>> all = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.isBlank()) {
            continue;
          }
          JsonObject o = JsonParser.parseString(line).getAsJsonObject();
          String key = o.get("scenario").getAsString() + ":" + o.get("transport").getAsString()
              + (o.has("size") ? ":" + o.get("size").getAsString() : "");
          all.computeIfAbsent(key, k -> new LinkedHashMap<>())
              .computeIfAbsent(o.get("server").getAsString(), k -> new ArrayList<>()).add(o);
        }
      }
    }
    all.forEach((key, byServer) -> byServer.forEach((server, list) ->
        rows.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(server, merged(list))));
  }

  /**
   * One row from the rows of several server processes (run.sh repeats echo in fresh processes):
   * the process with the median round trips/s gives the row, and round trips/s and CPU per round
   * trip are the medians over the processes, each listed. A failed process counts only when all
   * failed.
   */
  static JsonObject merged(List<JsonObject> list) {
    List<JsonObject> ok = list.stream().filter(o -> !o.has("error") && o.has("perS")).toList();
    if (ok.size() < 2) {
      return ok.isEmpty() ? list.get(list.size() - 1) : ok.get(0);
    }
    List<JsonObject> byRate = new ArrayList<>(ok);
    byRate.sort(java.util.Comparator.comparingDouble(o -> o.get("perS").getAsDouble()));
    JsonObject row = byRate.get((byRate.size() - 1) / 2).deepCopy();
    row.addProperty("processes", ok.size());
    row.addProperty("perSProcesses", joined(ok, "perS", "%.0f"));
    for (String cpu : List.of("cpuUsPerRoundTrip", "cpuUsPerDelivery")) {
      if (row.has(cpu)) {
        row.addProperty(cpu, Recorder.median(ok.stream().filter(o -> o.has(cpu) && !o.get(cpu).isJsonNull())
            .mapToDouble(o -> o.get(cpu).getAsDouble()).toArray()));
        row.addProperty("cpuUsProcesses", joined(ok, cpu, "%.2f"));
      }
    }
    row.addProperty("perS", Recorder.median(ok.stream().mapToDouble(o -> o.get("perS").getAsDouble()).toArray()));
    return row;
  }

  private static String joined(List<JsonObject> rows, String field, String format) {
    StringBuilder sb = new StringBuilder();
    for (JsonObject o : rows) {
      if (o.has(field) && !o.get(field).isJsonNull()) {
        sb.append(sb.length() > 0 ? " " : "").append(String.format(Locale.ROOT, format, o.get(field).getAsDouble()));
      }
    }
    return sb.toString();
  }

  /** The value of {@code field} for a server in a scenario, NaN when absent or failed. */
  double value(String key, String server, String field) {
    JsonObject o = rows.getOrDefault(key, Map.of()).get(server);
    if (o == null || o.has("error") || !o.has(field) || o.get(field).isJsonNull()) {
      return Double.NaN;
    }
    return o.get(field).getAsDouble();
  }

  List<String> servers() {
    List<String> s = new ArrayList<>();
    for (String name : SERVERS) {
      if (rows.values().stream().anyMatch(m -> m.containsKey(name))) {
        s.add(name);
      }
    }
    return s;
  }

  private void write(Path in, String png) throws IOException {
    md.append("# Belay benchmark: ").append(in.getFileName()).append("\n\n");
    md.append("Produced by `bench/run.sh` (see bench/README.md). One machine, servers run one at a time,"
        + " each on a fresh JVM/process, driven by the same wire-level generator (`belay-bench.jar load`)"
        + " sharing the same cores. CPU seconds are read from /proc for server and generator apart.\n\n");
    Path machine = in.resolve("machine.txt");
    if (Files.exists(machine)) {
      md.append("## Machine\n\n```\n").append(Files.readString(machine).trim()).append("\n```\n\n");
    }
    Path sizes = in.resolve("sizes.txt");
    if (Files.exists(sizes)) {
      md.append("## Sizes used\n\n```\n").append(Files.readString(sizes).trim()).append("\n```\n\n");
    }
    md.append("![chart](").append(png).append(")\n\n");
    bar();
    md.append("## Echo (round trips)\n\n");
    for (String key : List.of("echo-ack:ws", "echo:ws", "echo-ack:polling", "echo:polling", "echo-ack:sse", "echo:sse")) {
      table(key, new String[] {"perS", "p50Ms", "p99Ms", "maxMs", "cpuUsPerRoundTrip", "serverCpuS", "genCpuS", "failed"},
          new String[] {"round trips/s", "p50 ms", "p99 ms", "max ms", "server CPU µs/rt", "server CPU s", "gen CPU s", "clients lost"},
          "perS", "cpuUsPerRoundTrip");
    }
    windowOne();
    md.append("## Fan-out\n\n");
    table("fanout:ws", new String[] {"perS", "missing", "p50Ms", "p99Ms", "maxMs", "cpuUsPerDelivery", "serverCpuS", "genCpuS"},
        new String[] {"delivered/s", "missing", "p50 ms", "p99 ms", "max ms", "server CPU µs/delivery", "server CPU s", "gen CPU s"},
        "p99Ms", "cpuUsPerDelivery");
    md.append("## Idle connections\n\n");
    for (String key : List.of("idle:ws", "idle:polling", "idle:sse")) {
      table(key, new String[] {"connected", "failed", "connectsPerS", "handshakeP50Ms", "handshakeP99Ms", "heapPerConnKb", "rssPerConnKb", "cpuUsPerConnect"},
          new String[] {"connected", "failed", "connects/s", "handshake p50 ms", "handshake p99 ms", "heap KB/conn", "RSS KB/conn", "server CPU µs/connect"},
          "heapPerConnKb", "cpuUsPerConnect");
    }
    Path jmh = in.resolve("jmh.txt");
    if (Files.exists(jmh) && !Files.readString(jmh).isBlank()) {
      md.append("## Codec microbenchmarks (JMH, short settings: 2 warm-up and 3 measured iterations of 1 s)\n\n```\n")
          .append(Files.readString(jmh).trim()).append("\n```\n\n");
    }
    md.append("## Time to first event\n\nFresh connection to the answer of a first `echo` emit,"
        + " trials one after another.\n\n");
    for (String key : List.of("ttfe:ws", "ttfe:polling", "ttfe:sse")) {
      table(key, new String[] {"openP50Ms", "p50Ms", "p99Ms", "maxMs", "failed"},
          new String[] {"open p50 ms", "first event p50 ms", "p99 ms", "max ms", "failed"}, "p50Ms", null);
    }
  }

  /**
   * The echo rows run at their own size ({@code echo-ack:polling:100x1}): one table per size and
   * transport, each server against the floor and against Node.
   */
  private void windowOne() {
    List<String> sizes = rows.keySet().stream().filter(k -> k.split(":").length == 3)
        .map(k -> k.split(":")[2]).distinct()
        .sorted(java.util.Comparator.comparingInt((String z) -> -Integer.parseInt(z.split("x")[0]))).toList();
    if (sizes.isEmpty()) {
      return;
    }
    md.append("## Echo with nothing to batch (one message in flight per client)\n\n"
        + "Each client sends its next `echo` only when the last one is answered, so no server can put"
        + " two packets in one write, poll or frame: every round trip pays the transport's whole cost"
        + " (over long-polling a POST, the held GET's answer and the next GET). Ratios are this"
        + " server's figure over the floor's and over Node's on the same transport (Node has no SSE).\n\n");
    for (String size : sizes) {
      for (String scenario : List.of("echo-ack", "echo")) {
        for (String transport : List.of("ws", "polling", "sse")) {
          String key = scenario + ":" + transport + ":" + size;
          if (rows.containsKey(key)) {
            windowOneTable(key);
          }
        }
      }
    }
  }

  /**
   * Starts server {@code s}'s row with its name; for a row that failed, writes the error and
   * {@code emptyCells} empty cells and returns false (the row is done).
   */
  private boolean nameOrError(String s, JsonObject o, int emptyCells) {
    md.append("| ").append(NAMES.get(s)).append(" |");
    if (!o.has("error")) {
      return true;
    }
    md.append(" error: ").append(o.get("error").getAsString().replace("|", "/")).append(" |");
    md.append(" |".repeat(emptyCells)).append('\n');
    return false;
  }

  private void windowOneTable(String key) {
    Map<String, JsonObject> byServer = rows.get(key);
    md.append("### ").append(key).append("\n\n| server | round trips/s | p50 ms | p99 ms | server CPU µs/rt"
        + " | rt/s vs floor | CPU/rt vs floor | rt/s vs Node | CPU/rt vs Node | clients lost |\n|---|")
        .append("---:|".repeat(9)).append('\n');
    for (String s : SERVERS) {
      JsonObject o = byServer.get(s);
      if (o == null) {
        continue;
      }
      if (!nameOrError(s, o, 8)) {
        continue;
      }
      for (String f : List.of("perS", "p50Ms", "p99Ms", "cpuUsPerRoundTrip")) {
        md.append(' ').append(fmt(value(key, s, f))).append(" |");
      }
      for (String peer : List.of("floor", "node")) {
        for (String f : List.of("perS", "cpuUsPerRoundTrip")) {
          double x = value(key, peer, f);
          double v = value(key, s, f);
          md.append(' ').append(s.equals(peer) || Double.isNaN(x) || Double.isNaN(v) || x == 0 ? ""
              : String.format(Locale.ROOT, "%.2f×", v / x)).append(" |");
        }
      }
      md.append(' ').append(fmt(value(key, s, "failed"))).append(" |\n");
    }
    md.append("\n").append(describe(byServer.values().iterator().next())).append("\n\n");
    spread(byServer, "perSProcesses", "cpuUsProcesses", "Per server process, in run order");
    spread(byServer, "perSWindows", "cpuUsWindows", "Per window of the median process");
  }

  private void table(String key, String[] fields, String[] heads, String ratioA, String ratioB) {
    Map<String, JsonObject> byServer = rows.get(key);
    if (byServer == null) {
      return;
    }
    md.append("### ").append(key).append("\n\n| server |");
    for (String h : heads) {
      md.append(' ').append(h).append(" |");
    }
    md.append(" Belay/this ").append(ratioA).append(" |");
    if (ratioB != null) {
      md.append(" Belay/this ").append(ratioB).append(" |");
    }
    md.append("\n|---|");
    md.append("---:|".repeat(heads.length + (ratioB != null ? 2 : 1))).append('\n');
    for (String s : SERVERS) {
      JsonObject o = byServer.get(s);
      if (o == null) {
        continue;
      }
      if (!nameOrError(s, o, heads.length + (ratioB != null ? 1 : 0))) {
        continue;
      }
      for (String f : fields) {
        md.append(' ').append(fmt(value(key, s, f))).append(" |");
      }
      md.append(' ').append(ratio(key, s, ratioA)).append(" |");
      if (ratioB != null) {
        md.append(' ').append(ratio(key, s, ratioB)).append(" |");
      }
      md.append('\n');
    }
    JsonObject any = byServer.values().iterator().next();
    md.append("\n").append(describe(any)).append("\n\n");
    spread(byServer, "perSProcesses", "cpuUsProcesses", "Per server process, in run order");
    spread(byServer, "perSWindows", "cpuUsWindows", "Per window of the median process");
  }

  /** Lists each server's figures per process or per window (round trips/s; CPU µs per round trip). */
  private void spread(Map<String, JsonObject> byServer, String rates, String cpus, String title) {
    if (byServer.values().stream().noneMatch(o -> o.has(rates))) {
      return;
    }
    md.append(title).append(" (round trips/s; server CPU µs per round trip):\n\n");
    for (String s : SERVERS) {
      JsonObject o = byServer.get(s);
      if (o != null && o.has(rates)) {
        md.append("- ").append(NAMES.get(s)).append(": ").append(o.get(rates).getAsString())
            .append("; ").append(o.has(cpus) ? o.get(cpus).getAsString() : "n/a").append('\n');
      }
    }
    md.append('\n');
  }

  /**
   * The Belay column ratios and the bar refer to: the full server, or the engine-only fixture when
   * the full server did not run.
   */
  private String ours() {
    return ran("belay") || !ran("belay-engine") ? "belay" : "belay-engine";
  }

  private boolean ran(String server) {
    return rows.values().stream().anyMatch(m -> m.containsKey(server) && !m.get(server).has("error"));
  }

  private String ratio(String key, String server, String field) {
    double b = value(key, ours(), field);
    double x = value(key, server, field);
    if (server.startsWith("belay") || Double.isNaN(b) || Double.isNaN(x) || x == 0) {
      return "";
    }
    return String.format(Locale.ROOT, "%.2f×", b / x);
  }

  private static String describe(JsonObject o) {
    StringBuilder sb = new StringBuilder("Size: ");
    for (String f : List.of("clients", "inflight", "processes", "windows", "durationS", "rate", "broadcasts", "trials")) {
      if (o.has(f)) {
        sb.append(f).append(' ').append(fmt(o.get(f).getAsDouble())).append(", ");
      }
    }
    return sb.substring(0, sb.length() - 2) + ".";
  }

  static String fmt(double d) {
    if (Double.isNaN(d)) {
      return "n/a";
    }
    if (Math.abs(d) >= 100 || d == Math.rint(d)) {
      return String.format(Locale.ROOT, "%,.0f", d);
    }
    return String.format(Locale.ROOT, "%.3g", d);
  }

  /**
   * The performance bar (the targets Belay is held to), checked against this run (only where Belay and the peer both ran), in one
   * column per Belay configuration that ran: the default (listeners on the worker pool) and
   * {@code listenersOnIoThread}.
   */
  private void bar() {
    List<String> ours = OURS_IN_BAR.stream().filter(this::ran).toList();
    if (ours.isEmpty()) {
      ours = ran("belay-engine") ? List.of("belay-engine") : List.of();
    }
    if (ours.isEmpty()) {
      md.append("## The performance bar\n\nNot checked: Belay did not run in this report.\n\n");
      return;
    }
    md.append("## The performance bar, checked on this run\n\n");
    if (ours.equals(List.of("belay-engine"))) {
      md.append("Checked against the engine-only fixture (`engine-server`): the full Belay server did not run.\n\n");
    }
    md.append("| criterion |");
    for (String b : ours) {
      md.append(' ').append(NAMES.get(b)).append(" | verdict |");
    }
    md.append("\n|---|").append("---:|---|".repeat(ours.size())).append('\n');
    criterion("WebSocket echo ≥ 2× Node", ours, b -> value("echo-ack:ws", b, "perS") / value("echo-ack:ws", "node", "perS"), 2, true);
    criterion("WebSocket echo ≥ 0.95× floor", ours, b -> value("echo-ack:ws", b, "perS") / value("echo-ack:ws", "floor", "perS"), 0.95, true);
    criterion("server CPU per WebSocket round trip ≤ 1.1× floor", ours,
        b -> value("echo-ack:ws", b, "cpuUsPerRoundTrip") / value("echo-ack:ws", "floor", "cpuUsPerRoundTrip"), 1.1, false);
    criterion("long-polling echo ≥ 3× Node", ours, b -> value("echo-ack:polling", b, "perS") / value("echo-ack:polling", "node", "perS"), 3, true);
    criterion("long-polling echo, 100 clients × 1 in flight: server CPU per round trip ≤ 1.3× floor", ours,
        b -> value("echo-ack:polling:100x1", b, "cpuUsPerRoundTrip") / value("echo-ack:polling:100x1", "floor", "cpuUsPerRoundTrip"), 1.3, false);
    criterion("long-polling echo, 100 clients × 1 in flight ≥ 1.5× Node", ours,
        b -> value("echo-ack:polling:100x1", b, "perS") / value("echo-ack:polling:100x1", "node", "perS"), 1.5, true);
    criterion("fan-out: nothing missing (missing count)", ours, b -> value("fanout:ws", b, "missing"), 0, false);
    criterion("fan-out p99 ≤ floor's", ours, b -> value("fanout:ws", b, "p99Ms") / value("fanout:ws", "floor", "p99Ms"), 1, false);
    criterion("fan-out server CPU per delivery ≤ floor's", ours,
        b -> value("fanout:ws", b, "cpuUsPerDelivery") / value("fanout:ws", "floor", "cpuUsPerDelivery"), 1, false);
    criterion("idle heap per WebSocket connection ≤ 6 KB", ours, b -> value("idle:ws", b, "heapPerConnKb"), 6, false);
    criterion("idle heap per long-polling connection ≤ 7 KB", ours, b -> value("idle:polling", b, "heapPerConnKb"), 7, false);
    criterion("server CPU per connect ≤ Node's", ours,
        b -> value("idle:ws", b, "cpuUsPerConnect") / value("idle:ws", "node", "cpuUsPerConnect"), 1, false);
    md.append("\nRatios are Belay/peer. The machine's cores are shared with the generator (and, during"
        + " the session that produced a report, with other work): treat differences under ~20% as noise."
        + " \"Belay\" runs application listeners on a worker pool (the default: a handler that blocks"
        + " never delays pings or other connections), at the price of two thread hand-offs per message;"
        + " \"listeners on I/O thread\" is `EngineOptions.Builder.listenersOnIoThread(true)`, for"
        + " handlers that never block. The ratio columns of the tables below compare the default.\n\n");
  }

  private void criterion(String what, List<String> ours, java.util.function.ToDoubleFunction<String> measure,
      double limit, boolean atLeast) {
    md.append("| ").append(what).append(" |");
    for (String b : ours) {
      double v = measure.applyAsDouble(b);
      String verdict = Double.isNaN(v) ? "not measured" : (atLeast ? v >= limit : v <= limit) ? "met" : "NOT met";
      md.append(' ').append(fmt(v)).append(" | ").append(verdict).append(" |");
    }
    md.append('\n');
  }
}
