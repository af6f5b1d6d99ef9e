package dev.belay.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code load}: drives one server with the scenarios named in {@code --scenarios}, prints a table
 * row per scenario and appends one JSON line per scenario to {@code --out}.
 *
 * <pre>
 * java -jar belay-bench.jar load --port 3000 --label belay --server-pid 1234 \
 *     --scenarios idle:ws,echo-ack:ws,echo:ws,echo-ack:polling,fanout:ws,ttfe:ws --out r.jsonl
 * java -jar belay-bench.jar load --port 3000 --label belay \
 *     --scenarios echo-ack:polling:100x1,echo-ack:polling:1x1 --out w1.jsonl   # CLIENTSxINFLIGHT
 * java -jar belay-bench.jar load --ports 3400,3402 --label belay --server-pid 1234,1240 \
 *     --redis-pid 1200 --scenarios fanout-cluster:ws --out cluster.jsonl
 * </pre>
 */
public final class Load {
  private Load() {}

  /** Scenario sizes and where to find the server; every field has a command-line option. */
  public static final class Options {
    public String host = "127.0.0.1";
    public int port = 3000;
    public String path = "/socket.io/";
    public String label = "server";
    /** The server's pid, or comma-separated pids of a cluster's nodes (CPU is their sum). */
    public String serverPid;
    /**
     * Cluster scenarios: the ports of the nodes, comma-separated ({@code 3400,3402}); the sender
     * is on the first. Defaults to {@link #port} alone.
     */
    public String ports;
    /** Cluster scenarios: the pid of redis-server, whose CPU is reported apart; optional. */
    public String redisPid;
    public int adminPort = -1;
    /**
     * Long-polling only: the port every handshake goes to, while every later request of the
     * session goes to {@link #port}; -1 sends all to {@link #port}. With two nodes of a cluster
     * with forwarding on, every request after the handshake then lands on a node that does not
     * hold the session: what forwarding costs.
     */
    public int handshakePort = -1;
    public int loops = 2;
    public String out;
    public String scenarios = "echo-ack:ws";
    public int clients = 100;
    public int inflight = 10;
    public double warmupS = 3;
    public double durationS = 10;
    /**
     * Echo: measured windows of {@code durationS} each, back to back on the same connections;
     * throughput and CPU per round trip are the medians over the windows, so one disturbed
     * window (a GC, a neighbour) does not decide the figure.
     */
    public int windows = 1;
    public int fanoutClients = 5000;
    public double rate = 10;
    public int idleClients = 10000;
    /**
     * Idle clients over polling and SSE, each holding two keep-alive connections (GET and POST):
     * half as many, so both sides stay under a 20,000 open-files limit.
     */
    public int idleHttpClients = 5000;
    public int concurrency = 200;
    public int ttfeTrials = 50;
    public double connectTimeoutS = 60;
    /** Echo and fan-out go on with this share of their clients connected (the rest are reported). */
    public double minConnected = 1.0;
    /** Idle: seconds to keep the connections open after measuring (for jcmd, a heap dump, JFR). */
    public double holdS = 0;

    int admin() {
      return adminPort > 0 ? adminPort : port + 1;
    }
  }

  public static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("bad option " + a);
      }
      String v = args[++i];
      switch (a.substring(2)) {
        case "host" -> o.host = v;
        case "port" -> o.port = Integer.parseInt(v);
        case "path" -> o.path = v;
        case "label" -> o.label = v;
        case "server-pid" -> o.serverPid = v;
        case "ports" -> o.ports = v;
        case "redis-pid" -> o.redisPid = v;
        case "admin-port" -> o.adminPort = Integer.parseInt(v);
        case "handshake-port" -> o.handshakePort = Integer.parseInt(v);
        case "loops" -> o.loops = Integer.parseInt(v);
        case "out" -> o.out = v;
        case "scenarios" -> o.scenarios = v;
        case "clients" -> o.clients = Integer.parseInt(v);
        case "inflight" -> o.inflight = Integer.parseInt(v);
        case "warmup" -> o.warmupS = Double.parseDouble(v);
        case "duration" -> o.durationS = Double.parseDouble(v);
        case "windows" -> o.windows = Math.max(1, Integer.parseInt(v));
        case "fanout-clients" -> o.fanoutClients = Integer.parseInt(v);
        case "rate" -> o.rate = Double.parseDouble(v);
        case "idle-clients" -> o.idleClients = Integer.parseInt(v);
        case "idle-http-clients" -> o.idleHttpClients = Integer.parseInt(v);
        case "concurrency" -> o.concurrency = Integer.parseInt(v);
        case "ttfe-trials" -> o.ttfeTrials = Integer.parseInt(v);
        case "connect-timeout" -> o.connectTimeoutS = Double.parseDouble(v);
        case "min-connected" -> o.minConnected = Double.parseDouble(v);
        case "hold" -> o.holdS = Double.parseDouble(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    return o;
  }

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    List<Map<String, Object>> rows = run(o);
    boolean ok = rows.stream().noneMatch(r -> r.containsKey("error"));
    System.exit(ok ? 0 : 1);
  }

  /** Runs every scenario in order; returns the rows it printed and wrote. */
  public static List<Map<String, Object>> run(Options o) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Scenarios s = new Scenarios(o)) {
      for (String spec : o.scenarios.split(",")) {
        String[] p = spec.trim().split(":");
        String transport = p.length > 1 ? p[1] : "ws";
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("server", o.label);
        row.put("scenario", p[0]);
        row.put("transport", transport);
        int clients = o.clients;
        int inflight = o.inflight;
        try {
          if (p.length > 2) {
            // echo at its own size, e.g. echo-ack:polling:100x1, beside the default size's rows
            String[] size = p[2].split("x");
            o.clients = Integer.parseInt(size[0]);
            o.inflight = Integer.parseInt(size[1]);
            row.put("size", p[2]);
          }
          switch (p[0]) {
            case "echo" -> s.echo(transport, false, row);
            case "echo-ack" -> s.echo(transport, true, row);
            case "fanout" -> s.fanout(transport, row);
            case "fanout-cluster" -> s.fanoutCluster(transport, row);
            case "idle" -> s.idle(transport, row);
            case "ttfe" -> s.ttfe(transport, row);
            default -> throw new IllegalArgumentException("unknown scenario " + p[0]);
          }
        } catch (Exception e) {
          row.put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
        } finally {
          o.clients = clients;
          o.inflight = inflight;
        }
        print(row);
        rows.add(row);
        if (o.out != null) {
          Files.writeString(Path.of(o.out), Json.line(row) + "\n",
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
      }
    }
    return rows;
  }

  private static void print(Map<String, Object> row) {
    StringBuilder sb = new StringBuilder();
    for (var e : row.entrySet()) {
      Object v = e.getValue();
      String s = v instanceof Double d ? fmt(d) : String.valueOf(v);
      sb.append(e.getKey()).append('=').append(s).append("  ");
    }
    System.out.println(sb.toString().trim());
  }

  static String fmt(double d) {
    if (Double.isNaN(d)) {
      return "n/a";
    }
    return Math.abs(d) >= 100 ? String.format(java.util.Locale.ROOT, "%.0f", d)
        : String.format(java.util.Locale.ROOT, "%.3g", d);
  }

  static void appendLine(Path file, String line) throws IOException {
    Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }
}
