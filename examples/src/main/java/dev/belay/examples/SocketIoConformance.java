package dev.belay.examples;

import dev.belay.Namespace;
import dev.belay.Server;
import dev.belay.ServerOptions;
import java.time.Duration;

/**
 * The Socket.IO fixture at {@code /socket.io/} that the official socket.io-protocol test suite
 * expects: ping 300/200 ms, maxPayload 1 MB, connectTimeout 1 s, CORS for any origin, upgrades
 * advertised as exactly {@code ["websocket"]}; namespaces {@code /} and {@code /custom} (any other
 * gets CONNECT_ERROR "Invalid namespace"); on connection the server emits {@code auth} with the
 * client's auth payload; on {@code /}, {@code message} is echoed as {@code message-back} (binary
 * included) and {@code message-with-ack} is acknowledged with all its arguments.
 *
 * <pre>{@code
 * Server sio = SocketIoConformance.create();
 * HttpHandler handler = new BelayHandler(sio.engine(), ResponseCodeHandler.HANDLE_404);
 * }</pre>
 */
public final class SocketIoConformance {
  private SocketIoConformance() {}

  /** Builds the fixture; mount {@code server.engine()} with a {@code BelayHandler}, or call {@code listen}. */
  public static Server create() {
    Server server = new Server(ServerOptions.builder()
        .engine(EngineConformance.options("/socket.io/"))
        .connectTimeout(Duration.ofMillis(1000))
        .build());

    server.on("connection", socket -> {
      socket.emit("auth", socket.handshake().auth());
      socket.on("message", (args, ack) -> socket.emit("message-back", args.toArray()));
      socket.on("message-with-ack", (args, ack) -> ack.send(args.toArray()));
    });

    Namespace custom = server.of("/custom");
    custom.on("connection", socket -> socket.emit("auth", socket.handshake().auth()));
    return server;
  }
}
