package dev.belay.testing;

import dev.belay.binding.Listening;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import dev.belay.engine.EngineSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An engine on 127.0.0.1, port 0, at {@code /engine.io/}, for integration tests: it echoes every
 * message (text as text, binary as binary) unless told otherwise, and records sessions, what they
 * received, their upgrades and their close reasons for assertions. The HTTP server is the binding
 * found on the class path ({@link EngineServer#listen}), or one the test brings ({@link #served}).
 *
 * <pre>{@code
 * try (TestEngine e = TestEngine.start(EngineOptions.builder())) {
 *   EngineClient c = EngineClient.open(e.base(), "sse");
 *   c.send("hi");
 *   assertEquals("hi", e.nextReceived(c.sid()));
 * }
 * }</pre>
 */
public final class TestEngine implements AutoCloseable {
  public final EngineServer engine;
  public final Listening http;
  /** Sessions as they connect; any thread. */
  public final BlockingQueue<EngineSocket> connections = new LinkedBlockingQueue<>();
  /** "sid REASON" (the {@code CloseReason} constant's name) as sessions close; any thread. */
  public final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
  /** Whether a session's messages come back; the test thread may change it at any time. */
  public volatile boolean echo;
  // sid -> the server's side of that session; any thread.
  private final Map<String, CompletableFuture<EngineSocket>> sockets = new ConcurrentHashMap<>();
  // sid -> "reason text: description" once closed; any thread.
  private final Map<String, BlockingQueue<String>> closeDescriptions = new ConcurrentHashMap<>();
  // sid -> messages received; any thread.
  private final Map<String, BlockingQueue<Object>> received = new ConcurrentHashMap<>();
  // sid -> transports upgraded to, in order; any thread.
  private final Map<String, BlockingQueue<String>> upgrades = new ConcurrentHashMap<>();

  private TestEngine(EngineOptions options, boolean listenToMessages, Function<EngineServer, Listening> listen) {
    this.echo = listenToMessages;
    engine = new EngineServer(options);
    engine.onConnection(socket -> {
      connections.add(socket);
      sockets.computeIfAbsent(socket.id(), k -> new CompletableFuture<>()).complete(socket);
      BlockingQueue<String> described = queue(closeDescriptions, socket.id());
      socket.onClose((reason, description) -> {
        described.add(reason.text() + ": " + description);
        closes.add(socket.id() + " " + reason.name());
      });
      socket.onUpgrade(queue(upgrades, socket.id())::add);
      if (!listenToMessages) return;
      BlockingQueue<Object> in = queue(received, socket.id());
      socket.onMessage(data -> {
        in.add(data);
        if (!echo) return;
        if (data instanceof String text) socket.send(text);
        else socket.send((byte[]) data);
      });
    });
    http = listen.apply(engine);
  }

  private static <T> BlockingQueue<T> queue(Map<String, BlockingQueue<T>> bySid, String sid) {
    return bySid.computeIfAbsent(sid, k -> new LinkedBlockingQueue<>());
  }

  private static EngineOptions fastHeartbeats(Consumer<EngineOptions.Builder> customize) {
    EngineOptions.Builder b = EngineOptions.builder().path("/engine.io/")
        .pingInterval(Duration.ofMillis(300)).pingTimeout(Duration.ofMillis(200));
    customize.accept(b);
    return b.build();
  }

  private static Listening listenOnLoopback(EngineServer engine) {
    return engine.listen("127.0.0.1", 0);
  }

  /** An echo engine with the builder's options (heartbeats included) at path {@code /engine.io/}. */
  public static TestEngine start(EngineOptions.Builder options) {
    return new TestEngine(options.path("/engine.io/").build(), true, TestEngine::listenOnLoopback);
  }

  /** An echo engine at {@code /engine.io/} with fast heartbeats (300/200 ms) unless customized. */
  public static TestEngine start(Consumer<EngineOptions.Builder> customize) {
    return new TestEngine(fastHeartbeats(customize), true, TestEngine::listenOnLoopback);
  }

  public static TestEngine start() {
    return start(b -> {});
  }

  /**
   * Like {@link #start(Consumer)} but without any message listener: the test attaches its own, and
   * {@link #nextReceived} has nothing to report.
   */
  public static TestEngine startSilent(Consumer<EngineOptions.Builder> customize) {
    return new TestEngine(fastHeartbeats(customize), false, TestEngine::listenOnLoopback);
  }

  /**
   * Like {@link #start(Consumer)}, but served by {@code listen} instead of the engine's own
   * {@code listen("127.0.0.1", 0)}: for a test that mounts the engine into its own HTTP server.
   * The returned {@link Listening} must close the engine too.
   */
  public static TestEngine served(Consumer<EngineOptions.Builder> customize, Function<EngineServer, Listening> listen) {
    return new TestEngine(fastHeartbeats(customize), true, listen);
  }

  public int port() {
    return http.port();
  }

  /** {@code http://127.0.0.1:PORT/engine.io/} */
  public String base() {
    return "http://127.0.0.1:" + port() + engine.options().path();
  }

  public String url(String query) {
    return base() + "?" + query;
  }

  public String wsUrl(String query) {
    return "ws://127.0.0.1:" + port() + engine.options().path() + "?" + query;
  }

  /** Waits for the next session to connect. */
  public EngineSocket nextConnection() {
    return Await.take(connections, "a session to connect");
  }

  /** The server's side of session {@code sid} (waits for the connection listener). */
  public EngineSocket socket(String sid) {
    return Await.get(sockets.computeIfAbsent(sid, k -> new CompletableFuture<>()), "session " + sid);
  }

  /** The next message session {@code sid} received. */
  public Object nextReceived(String sid) {
    return Await.take(queue(received, sid), "session " + sid + " to receive a message");
  }

  /** Waits until session {@code sid} announces its next upgrade, and checks it is to {@code transport}. */
  public void awaitUpgrade(String sid, String transport) {
    String to = Await.take(queue(upgrades, sid), "session " + sid + " to upgrade to " + transport);
    if (!transport.equals(to)) throw new AssertionError("session " + sid + " upgraded to " + to + ", not " + transport);
  }

  /** Waits for session {@code sid} to close; returns "reason text: description". */
  public String awaitClose(String sid) {
    return Await.take(queue(closeDescriptions, sid), "session " + sid + " to close");
  }

  /** Whether session {@code sid} has closed (without waiting). */
  public boolean hasClosed(String sid) {
    BlockingQueue<String> q = closeDescriptions.get(sid);
    return q != null && !q.isEmpty();
  }

  @Override
  public void close() {
    http.close();
  }
}
