package dev.belay.examples;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.admin.AdminUiOptions;
import dev.belay.binding.SelfSignedCertificate;
import dev.belay.binding.Tls;
import dev.belay.cluster.redis.RedisStreamsAdapter;
import dev.belay.cluster.redis.RedisStreamsOptions;
import dev.belay.engine.EngineServer;
import dev.belay.metrics.BelayMetrics;
import dev.belay.transport.BelayHandler;
import dev.belay.transport.BelayUndertow;
import io.lettuce.core.RedisClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of {@code belay-examples.jar}:
 *
 * <pre>
 * java -jar belay-examples.jar chat [--port 8080] [--host 127.0.0.1] [--redis redis://127.0.0.1:6379]
 *                                    [--tls [--cert fullchain.pem --key privkey.pem]] [--metrics]
 *                                    [--admin [--admin-password P] [--admin-readonly] [--admin-mode production]]
 * java -jar belay-examples.jar cluster-node --port 3001 --redis redis://127.0.0.1:6379
 * java -jar belay-examples.jar lab [--port 8080] [--host 127.0.0.1] [--tls [--cert … --key …]]
 * java -jar belay-examples.jar conformance --port 3000 [--tls]
 * </pre>
 *
 * <p>{@code --tls} serves https and wss on the port, HTTP/2 by ALPN (HTTP/1.1 for WebSocket
 * upgrades and clients without h2), with a self-signed certificate made at start (its SHA-256
 * fingerprint is printed), or for the chat and the lab the PEM files given with {@code --cert}
 * and {@code --key}.
 *
 * <p>The chat serves {@code GET /health} (200, or 503 while draining) and {@code POST /drain?seconds=N}
 * (from this machine); {@code --metrics} adds {@code GET /metrics} in the Prometheus text format.
 *
 * <p>{@code --admin} adds the Socket.IO Admin UI: its server side on the {@code /admin} namespace
 * (no login, development mode, actions allowed) and the UI at {@code /admin-ui/}; {@code
 * --admin-password P} turns on basic authentication (user {@code admin}, password P, kept as a
 * bcrypt hash), {@code --admin-readonly} forbids actions, {@code --admin-mode production} sends only
 * statistics.
 */
public final class Main {
  // Held so that the levels stick (java.util.logging keeps loggers weakly).
  private static final List<Logger> QUIET = List.of(Logger.getLogger("io.undertow"), Logger.getLogger("org.xnio"));

  private Main() {}

  public static void main(String[] args) {
    if (args.length == 0) usage();
    QUIET.forEach(logger -> logger.setLevel(Level.WARNING)); // the examples print their own one-line banner
    int port = intOption(args, "--port", 8080);
    String host = stringOption(args, "--host", "127.0.0.1");
    switch (args[0]) {
      case "conformance" -> conformance(host, port, hasFlag(args, "--tls"));
      case "chat" -> chat(args, host, port, stringOption(args, "--redis", null), tls(args, host), hasFlag(args, "--metrics"));
      case "cluster-node" -> clusterNode(host, port, stringOption(args, "--redis", "redis://127.0.0.1:6379"),
          hasFlag(args, "--forwarding"));
      case "lab" -> lab(host, port, tls(args, host));
      default -> usage();
    }
  }

  /**
   * The chat; with {@code --redis}, one node of a chat cluster on that Redis. A tab whose network
   * drops for up to 2 minutes gets the messages it missed when it comes back.
   */
  static ExampleHttp chat(String[] args, String host, int port, String redisUri, Tls tls, boolean metrics) {
    ServerOptions.Builder options = ServerOptions.builder()
        .connectionStateRecovery(ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofMinutes(2)));
    if (redisUri != null) {
      options.adapter(RedisStreamsAdapter.factory(RedisClient.create(redisUri), RedisStreamsOptions.defaults()));
    }
    Server io = new Server(options.build());
    PrometheusMeterRegistry registry = null;
    if (metrics) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      BelayMetrics.monitor(io, registry); // before the first client
    }
    new ChatServer(io);
    HttpHandler pages = new StaticResources(ChatServer.PAGES, ResponseCodeHandler.HANDLE_404);
    boolean admin = hasFlag(args, "--admin") || stringOption(args, "--admin-password", null) != null;
    if (admin) {
      AdminUiPages.install(io, stringOption(args, "--admin-password", null), hasFlag(args, "--admin-readonly"),
          "production".equals(stringOption(args, "--admin-mode", "development"))
              ? AdminUiOptions.Mode.PRODUCTION : AdminUiOptions.Mode.DEVELOPMENT);
      pages = AdminUiPages.withUi(pages);
    }
    pages = new OpsEndpoints(io, registry, pages);
    ExampleHttp http = ExampleHttp.start(io, pages, host, port, tls);
    System.out.println("Belay chat on " + http.url() + (redisUri == null ? "" : " (cluster on " + redisUri + ")")
        + " - open it in two browser windows" + (metrics ? "; metrics on " + http.url() + "metrics" : ""));
    if (admin) {
      String login = stringOption(args, "--admin-password", null) == null ? "no login"
          : "user " + AdminUiPages.USERNAME + " and the --admin-password";
      System.out.println(AdminUiPages.uiBundled()
          ? "Admin UI on " + http.url() + AdminUiPages.PATH.substring(1) + " - server URL " + http.url() + ", " + login
          : "Admin UI server side on /admin (" + login + "); this jar was built without the UI (npm was missing)");
    }
    return http;
  }

  private static void clusterNode(String host, int port, String redisUri, boolean forwarding) {
    ClusterNode node = ClusterNode.start(host, port, redisUri, forwarding);
    System.out.println("listening on " + node.port());
  }

  private static void lab(String host, int port, Tls tls) {
    LabServer lab = new LabServer();
    ExampleHttp http = ExampleHttp.start(lab.io(), LabServer.PAGES, host, port, tls, Map.of("/stats.json", lab::statsJson));
    System.out.println("Belay transport lab on " + http.url() + " - open it in several tabs");
  }

  /**
   * Both official suites' fixtures and the hardened one on one port: Engine.IO at /engine.io/,
   * Socket.IO at /socket.io/, {@link GuardedFixture} at /guarded/, {@link RecoveryFixture} at
   * /recovery/. The Undertow server is built as
   * the README's mounting recipe says, with the guarded fixture's (default) timeouts.
   */
  static Undertow conformance(String host, int port) {
    return conformance(host, port, false);
  }

  /**
   * The fixtures as {@link #conformance(String, int)}, and with {@code tls} over https and wss on
   * the same port: a self-signed certificate made at start, HTTP/2 by ALPN, HTTP/1.1 for the
   * WebSocket upgrades and for clients that do not offer h2.
   */
  static Undertow conformance(String host, int port, boolean tls) {
    EngineServer engine = EngineConformance.create();
    Server io = SocketIoConformance.create();
    Server guarded = GuardedFixture.create();
    Server recovery = RecoveryFixture.create();
    HttpHandler handler = new BelayHandler(engine, new BelayHandler(io,
        new BelayHandler(guarded, new BelayHandler(recovery, ResponseCodeHandler.HANDLE_404))));
    Undertow.Builder builder = BelayUndertow.builder(guarded).setHandler(handler);
    SelfSignedCertificate cert = null;
    if (tls) {
      cert = SelfSignedCertificate.generate(host);
      BelayUndertow.tls(builder, cert.tls(), true).addHttpsListener(port, host, cert.tls().sslContext());
    } else {
      builder.addHttpListener(port, host);
    }
    Undertow server = builder.build();
    server.start();
    int bound = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    System.out.println("conformance fixtures on " + (tls ? "https" : "http") + "://" + host + ":" + bound
        + "/engine.io/, /socket.io/, /guarded/ and /recovery/");
    if (cert != null) System.out.println("self-signed certificate, SHA-256 fingerprint " + cert.fingerprint());
    return server;
  }

  /**
   * The chat's and the lab's TLS: none without {@code --tls}; the PEM files of {@code --cert} and
   * {@code --key} when given; else a self-signed certificate, whose fingerprint and file are
   * printed with how to trust it.
   */
  private static Tls tls(String[] args, String host) {
    if (!hasFlag(args, "--tls")) return null;
    String certFile = stringOption(args, "--cert", null);
    String keyFile = stringOption(args, "--key", null);
    if (certFile != null || keyFile != null) {
      if (certFile == null || keyFile == null) {
        System.err.println("--cert and --key go together (PEM certificate chain and private key)");
        System.exit(2);
      }
      try {
        return Tls.pem(Path.of(certFile), Path.of(keyFile));
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        System.exit(2);
      }
    }
    SelfSignedCertificate cert = SelfSignedCertificate.generate(host);
    System.out.println("self-signed certificate for localhost, 127.0.0.1 and ::1, valid 30 days");
    System.out.println("  SHA-256 fingerprint " + cert.fingerprint());
    System.out.println("  to trust it: import " + cert.certificateFile() + " into your browser's or system's"
        + " trust store (or accept the browser's warning once); curl --cacert " + cert.certificateFile());
    return cert.tls();
  }

  static boolean hasFlag(String[] args, String name) {
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals(name)) return true;
    }
    return false;
  }

  static int intOption(String[] args, String name, int fallback) {
    String v = stringOption(args, name, null);
    if (v == null) return fallback;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      System.err.println(name + " needs a number, got " + v);
      System.exit(2);
      return fallback;
    }
  }

  static String stringOption(String[] args, String name, String fallback) {
    for (int i = 1; i < args.length - 1; i++) {
      if (args[i].equals(name)) return args[i + 1];
    }
    return fallback;
  }

  private static void usage() {
    System.err.println("usage: java -jar belay-examples.jar <conformance|chat|lab|cluster-node> [--port N] [--host H] [--redis URI] [--forwarding] [--tls] [--metrics] [--admin [--admin-password P]]");
    System.exit(2);
  }
}
