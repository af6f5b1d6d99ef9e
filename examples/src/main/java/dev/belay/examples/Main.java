package dev.belay.examples;

import dev.belay.ConnectionStateRecovery;
import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.cluster.redis.RedisStreamsAdapter;
import dev.belay.cluster.redis.RedisStreamsOptions;
import dev.belay.engine.EngineServer;
import dev.belay.transport.BelayHandler;
import dev.belay.transport.BelayUndertow;
import io.lettuce.core.RedisClient;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.ResponseCodeHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Entry point of {@code belay-examples.jar}:
 *
 * <pre>
 * java -jar belay-examples.jar chat [--port 8080] [--host 127.0.0.1] [--redis redis://127.0.0.1:6379]
 * java -jar belay-examples.jar cluster-node --port 3001 --redis redis://127.0.0.1:6379
 * java -jar belay-examples.jar lab [--port 8080] [--host 127.0.0.1]
 * java -jar belay-examples.jar conformance --port 3000
 * </pre>
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
      case "conformance" -> conformance(host, port);
      case "chat" -> chat(host, port, stringOption(args, "--redis", null));
      case "cluster-node" -> clusterNode(host, port, stringOption(args, "--redis", "redis://127.0.0.1:6379"));
      case "lab" -> lab(host, port);
      default -> usage();
    }
  }

  /**
   * The chat; with {@code --redis}, one node of a chat cluster on that Redis. A tab whose network
   * drops for up to 2 minutes gets the messages it missed when it comes back.
   */
  private static void chat(String host, int port, String redisUri) {
    ServerOptions.Builder options = ServerOptions.builder()
        .connectionStateRecovery(ConnectionStateRecovery.defaults().withMaxDisconnectionDuration(Duration.ofMinutes(2)));
    if (redisUri != null) {
      options.adapter(RedisStreamsAdapter.factory(RedisClient.create(redisUri), RedisStreamsOptions.defaults()));
    }
    Server io = new Server(options.build());
    new ChatServer(io);
    ExampleHttp http = ExampleHttp.start(io, ChatServer.PAGES, host, port);
    System.out.println("Belay chat on " + http.url() + (redisUri == null ? "" : " (cluster on " + redisUri + ")")
        + " - open it in two browser windows");
  }

  private static void clusterNode(String host, int port, String redisUri) {
    ClusterNode node = ClusterNode.start(host, port, redisUri);
    System.out.println("listening on " + node.port());
  }

  private static void lab(String host, int port) {
    LabServer lab = new LabServer();
    ExampleHttp http = ExampleHttp.start(lab.io(), LabServer.PAGES, host, port);
    System.out.println("Belay transport lab on " + http.url() + " - open it in several tabs");
  }

  /**
   * Both official suites' fixtures and the hardened one on one port: Engine.IO at /engine.io/,
   * Socket.IO at /socket.io/, {@link GuardedFixture} at /guarded/, {@link RecoveryFixture} at
   * /recovery/. The Undertow server is built as
   * the README's mounting recipe says, with the guarded fixture's (default) timeouts.
   */
  static Undertow conformance(String host, int port) {
    EngineServer engine = EngineConformance.create();
    Server io = SocketIoConformance.create();
    Server guarded = GuardedFixture.create();
    Server recovery = RecoveryFixture.create();
    HttpHandler handler = new BelayHandler(engine, new BelayHandler(io,
        new BelayHandler(guarded, new BelayHandler(recovery, ResponseCodeHandler.HANDLE_404))));
    Undertow server = BelayUndertow.builder(guarded).addHttpListener(port, host).setHandler(handler).build();
    server.start();
    int bound = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    System.out.println("conformance fixtures on http://" + host + ":" + bound + "/engine.io/, /socket.io/, /guarded/ and /recovery/");
    return server;
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
    System.err.println("usage: java -jar belay-examples.jar <conformance|chat|lab|cluster-node> [--port N] [--host H] [--redis URI]");
    System.exit(2);
  }
}
