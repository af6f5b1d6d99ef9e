package dev.belay.examples;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.engine.Cors;
import dev.belay.engine.EngineOptions;

/** The README's first example, kept here so that it compiles and its test runs it. */
public final class HelloWorld {
  public static void main(String[] args) {
    Server io = create("http://localhost:8000"); // the origin your page is served from
    io.listen(3000); // Belay at /socket.io/, the browser client at /socket.io/socket.io.js
  }

  static Server create(String pageOrigin) {
    Server io = new Server(ServerOptions.builder()
        .engine(EngineOptions.builder().cors(Cors.allowOrigins(pageOrigin)).build())
        .build());
    io.on("connection", socket -> {
      socket.join("lobby");
      socket.on("chat", (data, ack) -> {
        io.to("lobby").emit("chat", socket.id(), data.get(0)); // everyone in the lobby, sender too
        ack.send("delivered"); // answers the client's callback
      });
      socket.onDisconnect(reason -> System.out.println(socket.id() + " left: " + reason.text()));
    });
    return io;
  }
}
