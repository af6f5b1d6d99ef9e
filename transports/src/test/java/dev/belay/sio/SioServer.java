package dev.belay.sio;

import dev.belay.Server;
import dev.belay.ServerOptions;
import dev.belay.binding.Listening;
import dev.belay.engine.EngineOptions;
import java.time.Duration;
import java.util.function.Consumer;

/** A Belay Socket.IO server on 127.0.0.1, port 0, at {@code /socket.io/}, with brisk heartbeats. */
final class SioServer implements AutoCloseable {
  final Server server;
  final Listening http;

  private SioServer(Server server) {
    this.server = server;
    this.http = server.listen("127.0.0.1", 0);
  }

  /** {@code engine} and {@code options} customize the defaults; {@code setup} installs handlers before listening. */
  static SioServer start(Consumer<EngineOptions.Builder> engine, Consumer<ServerOptions.Builder> options,
      Consumer<Server> setup) {
    EngineOptions.Builder e = EngineOptions.builder()
        .pingInterval(Duration.ofMillis(500)).pingTimeout(Duration.ofMillis(1000));
    engine.accept(e);
    ServerOptions.Builder o = ServerOptions.builder().engine(e.build()).connectTimeout(Duration.ofSeconds(5));
    options.accept(o);
    Server server = new Server(o.build());
    setup.accept(server);
    return new SioServer(server);
  }

  static SioServer start(Consumer<Server> setup) {
    return start(e -> {}, o -> {}, setup);
  }

  /** The base URL a client connects to, for example {@code http://127.0.0.1:41234}. */
  String url() {
    return "http://127.0.0.1:" + http.port();
  }

  String wsUrl(String query) {
    return "ws://127.0.0.1:" + http.port() + "/socket.io/?" + query;
  }

  @Override
  public void close() {
    server.close();
  }
}
