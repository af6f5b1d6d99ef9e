package dev.belay.bench;

import dev.belay.bench.load.Load;
import java.util.Arrays;

/** {@code java -jar belay-bench.jar <command> [options]}: the fixtures, the generator, the report. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "server" -> BelayServer.main(host(rest), port(rest), listenersOnIoThread(rest), recovery(rest), redis(rest),
          Arrays.asList(rest).contains("--forwarding"), metrics(rest));
      case "engine-server" -> EngineBenchServer.main(host(rest), port(rest), listenersOnIoThread(rest));
      case "netty-server" -> NettyServer.main(host(rest), port(rest));
      case "floor-server" -> FloorServer.main(host(rest), port(rest));
      case "load" -> Load.main(rest);
      case "compression" -> CompressionBench.main(rest);
      case "tls" -> TlsBench.main(rest);
      case "tls-server" -> TlsBench.serve(rest);
      case "report" -> Report.main(rest);
      case "cluster-report" -> ClusterReport.main(rest);
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      default -> usage();
    }
  }

  private static void usage() {
    System.err.println("""
        usage: java -jar belay-bench.jar <command> [options]
          server        --port N [--host H] [--listeners workers|io-thread] [--recovery off|on]
                        [--redis redis://H:P [--forwarding]] [--metrics off|prometheus]
                                              Belay with the bench contract; listeners on the
                                              worker pool (default) or on the I/O thread;
                                              connection state recovery off (default) or on;
                                              with --redis, one node of a cluster on that Redis
                                              (--forwarding: no sticky sessions needed);
                                              --metrics prometheus: BelayMetrics on a Prometheus
                                              registry, scraped at GET /metrics on port N+1
          engine-server --port N [--host H] [--listeners workers|io-thread]
                                              Belay's Engine.IO layer, Socket.IO framing by hand
          netty-server  --port N [--host H]   netty-socketio with the bench contract
          floor-server  --port N [--host H]   raw Undertow WebSocket floor
          load          --port N --scenarios echo-ack:ws,... [see bench/README.md]
          tls           [--modes ws,wss,sse-h1,sse-h1-tls,sse-h2] [--clients 50]
                        [--inflight 1,10] [--rounds 3]  echo over ws vs wss, SSE over HTTP/1.1
                                              vs HTTP/2 (bench/results/*-tls-h2.md)
          tls-server    --port N [--tls]       the engine echo that tls drives
          report        --in DIR --out FILE.md
          cluster-report --in DIR --out FILE.md  the cross-node fan-out (bench/run-cluster.sh)
          jmh           [JMH options]          codec microbenchmarks
        Every server also answers GET /mem on port N+1 (heap after a full GC).""");
    System.exit(2);
  }

  static int port(String[] args) {
    return Integer.parseInt(opt(args, "--port", "3000"));
  }

  /** {@code --listeners workers|io-thread}; anything else is a usage error. */
  static boolean listenersOnIoThread(String[] args) {
    return switch (opt(args, "--listeners", "workers")) {
      case "workers" -> false;
      case "io-thread" -> true;
      default -> {
        usage();
        yield false;
      }
    };
  }

  /** {@code --recovery off|on}; anything else is a usage error. */
  static boolean recovery(String[] args) {
    return switch (opt(args, "--recovery", "off")) {
      case "off" -> false;
      case "on" -> true;
      default -> {
        usage();
        yield false;
      }
    };
  }

  /** {@code --metrics off|prometheus}; anything else is a usage error. */
  static boolean metrics(String[] args) {
    return switch (opt(args, "--metrics", "off")) {
      case "off" -> false;
      case "prometheus" -> true;
      default -> {
        usage();
        yield false;
      }
    };
  }

  /** {@code --redis URI}: a {@code redis://} or {@code rediss://} URI, or null when absent. */
  static String redis(String[] args) {
    String uri = opt(args, "--redis", null);
    if (uri != null && !uri.startsWith("redis://") && !uri.startsWith("rediss://")) {
      usage();
    }
    return uri;
  }

  static String host(String[] args) {
    return opt(args, "--host", "127.0.0.1");
  }

  static String opt(String[] args, String name, String dflt) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }
}
