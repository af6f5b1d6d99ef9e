package dev.belay.bench;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.engine.EngineOptions;
import java.time.Duration;

/**
 * {@code server}: the bench contract on Belay's public API, as a user would write it, with the
 * defaults except Socket.IO's heartbeat (25000/20000, the same on every server of the bench).
 * {@code --listeners io-thread} runs the same application with
 * {@link EngineOptions.Builder#listenersOnIoThread(boolean) listenersOnIoThread}, Belay's mode for
 * handlers that never block; the default runs them on the worker pool.
 *
 * <pre>{@code java -jar belay-bench.jar server --port 3400 --listeners io-thread}</pre>
 */
public final class BelayServer {
  private BelayServer() {}

  /** Builds the contract's server with listeners on the worker pool; not yet listening. */
  public static Server create() {
    return create(false);
  }

  /** Builds the contract's server; not yet listening. */
  public static Server create(boolean listenersOnIoThread) {
    Server server = new Server(ServerOptions.builder()
        .engine(EngineOptions.builder()
            .path("/socket.io/")
            .pingInterval(Duration.ofMillis(25_000))
            .pingTimeout(Duration.ofMillis(20_000))
            .listenersOnIoThread(listenersOnIoThread)
            .build())
        .build());
    server.on("connection", socket -> {
      socket.join("all");
      socket.on("echo", (args, ack) -> {
        if (ack.requested()) {
          ack.send(args.toArray());
        } else {
          socket.emit("echo", args.toArray());
        }
      });
      socket.on("broadcast", (args, ack) -> server.to("all").emit("tick", args.toArray()));
    });
    return server;
  }

  public static void main(String host, int port, boolean listenersOnIoThread) throws Exception {
    Admin.start(host, port + 1);
    create(listenersOnIoThread).listen(host, port);
    System.out.println("belay server listening on " + host + ":" + port
        + (listenersOnIoThread ? " (listeners on the I/O thread)" : ""));
  }
}
