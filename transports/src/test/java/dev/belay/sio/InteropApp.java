package dev.belay.sio;

import dev.belay.ConnectError;
import dev.belay.Namespace;
import dev.belay.Server;
import java.time.Duration;
import java.util.Map;

/** The server side of the interop scenarios, written with the public API only. */
final class InteropApp {
  private InteropApp() {}

  static void install(Server server) {
    server.on("connection", socket -> {
      socket.emit("welcome", socket.id());
      // Acks, client to server: answer with the same arguments.
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
      // Which transport carries this socket now.
      socket.on("transport", (args, ack) -> ack.send(socket.transport()));
      // Acks, server to client: ask, then report the client's answer.
      socket.on("ask-me", (args, ack) -> socket.timeout(Duration.ofSeconds(5)).emitWithAck("question", args.get(0))
          .whenComplete((reply, error) ->
              socket.emit("answer-received", error == null ? reply.get(0) : "error " + error)));
      // Acks, server to client, timing out: the client never answers "ignore-me".
      socket.on("please-time-out", (args, ack) -> socket.timeout(Duration.ofMillis(300)).emitWithAck("ignore-me")
          .whenComplete((reply, error) ->
              socket.emit("server-timeout", error == null ? "answered" : error.getClass().getSimpleName())));
      // Never acknowledged: the client's own timeout must fire.
      socket.on("no-ack", (args, ack) -> { });
      // Binary: echoed as an event and as the acknowledgement.
      socket.on("binary", (args, ack) -> {
        socket.emit("binary-back", args.toArray());
        ack.send(args.toArray());
      });
    });

    Namespace admin = server.of("/admin");
    admin.on("connection", socket -> socket.emit("auth", socket.handshake().auth()));

    Namespace privateSpace = server.of("/private");
    privateSpace.use((socket, next) -> {
      if ("letmein".equals(socket.handshake().auth().get("token"))) next.proceed();
      else next.fail(new ConnectError("not authorized", Map.of("reason", "bad token")));
    });
    privateSpace.on("connection", socket -> socket.emit("welcome", "private"));
  }
}
