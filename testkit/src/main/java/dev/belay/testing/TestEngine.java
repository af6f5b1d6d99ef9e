package dev.belay.testing;

import dev.belay.binding.Listening;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import dev.belay.engine.EngineSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An echo engine on 127.0.0.1, port 0, for integration tests: every message comes back unchanged.
 * Sessions and their close reasons are recorded for assertions.
 */
public final class TestEngine implements AutoCloseable {
  public final EngineServer engine;
  public final Listening http;
  /** Sessions as they connect. */
  public final BlockingQueue<EngineSocket> connections = new LinkedBlockingQueue<>();
  /** "sid reason" as sessions close. */
  public final BlockingQueue<String> closes = new LinkedBlockingQueue<>();

  private TestEngine(EngineOptions options, boolean echo) {
    this(options, echo, engine -> engine.listen("127.0.0.1", 0));
  }

  private TestEngine(EngineOptions options, boolean echo, Function<EngineServer, Listening> listen) {
    engine = new EngineServer(options);
    engine.onConnection(socket -> {
      connections.add(socket);
      socket.onClose((reason, description) -> closes.add(socket.id() + " " + reason.name()));
      if (echo) {
        socket.onMessage(data -> {
          if (data instanceof String text) socket.send(text);
          else socket.send((byte[]) data);
        });
      }
    });
    http = listen.apply(engine);
  }

  /** An echo engine at {@code /engine.io/} with fast heartbeats (300/200 ms) unless customized. */
  public static TestEngine start(Consumer<EngineOptions.Builder> customize) {
    EngineOptions.Builder b = EngineOptions.builder().path("/engine.io/")
        .pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200));
    customize.accept(b);
    return new TestEngine(b.build(), true);
  }

  public static TestEngine start() {
    return start(b -> {});
  }

  /** Like {@link #start(Consumer)} but without the echo: the test attaches its own listeners. */
  public static TestEngine startSilent(Consumer<EngineOptions.Builder> customize) {
    EngineOptions.Builder b = EngineOptions.builder().path("/engine.io/")
        .pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200));
    customize.accept(b);
    return new TestEngine(b.build(), false);
  }

  /**
   * Like {@link #start(Consumer)}, but served by {@code listen} instead of the engine's own
   * {@code listen("127.0.0.1", 0)}: for a test that mounts the engine into its own HTTP server.
   * The returned {@link Listening} must close the engine too.
   */
  public static TestEngine served(Consumer<EngineOptions.Builder> customize, Function<EngineServer, Listening> listen) {
    EngineOptions.Builder b = EngineOptions.builder().path("/engine.io/")
        .pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200));
    customize.accept(b);
    return new TestEngine(b.build(), true, listen);
  }

  public String url(String query) {
    return "http://127.0.0.1:" + http.port() + engine.options().path() + "?" + query;
  }

  public String wsUrl(String query) {
    return "ws://127.0.0.1:" + http.port() + engine.options().path() + "?" + query;
  }

  /** Waits for the next session to connect. */
  public EngineSocket nextConnection() {
    return Await.take(connections, "a session to connect");
  }

  @Override
  public void close() {
    http.close();
  }
}
