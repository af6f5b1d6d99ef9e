package dev.belay.testing;

import dev.belay.binding.Listening;
import dev.belay.engine.EngineOptions;
import dev.belay.engine.EngineServer;
import dev.belay.engine.EngineSocket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An engine on 127.0.0.1, port 0, at {@code /engine.io/}, that echoes every message (text as text,
 * binary as binary) unless told otherwise, and records sessions and their close reasons.
 *
 * <pre>{@code
 * try (EngineFixture f = EngineFixture.start(EngineOptions.builder())) {
 *   EngineClient c = EngineClient.open(f.base(), "sse");
 * }
 * }</pre>
 */
public final class EngineFixture implements AutoCloseable {
  public final EngineServer engine;
  private final Listening http;
  private final Map<String, CompletableFuture<EngineSocket>> sockets = new ConcurrentHashMap<>();
  private final Map<String, BlockingQueue<String>> closes = new ConcurrentHashMap<>();
  private final Map<String, BlockingQueue<Object>> received = new ConcurrentHashMap<>();
  private final Map<String, BlockingQueue<String>> upgrades = new ConcurrentHashMap<>();
  public volatile boolean echo = true;

  private EngineFixture(EngineOptions options) {
    engine = new EngineServer(options);
    engine.onConnection(socket -> {
      sockets.computeIfAbsent(socket.id(), k -> new CompletableFuture<>()).complete(socket);
      BlockingQueue<String> q = closes.computeIfAbsent(socket.id(), k -> new LinkedBlockingQueue<>());
      socket.onClose((reason, description) -> q.add(reason.text() + ": " + description));
      BlockingQueue<String> up = upgrades.computeIfAbsent(socket.id(), k -> new LinkedBlockingQueue<>());
      socket.onUpgrade(up::add);
      BlockingQueue<Object> in = received.computeIfAbsent(socket.id(), k -> new LinkedBlockingQueue<>());
      socket.onMessage(data -> {
        in.add(data);
        if (!echo) return;
        if (data instanceof String s) socket.send(s);
        else socket.send((byte[]) data);
      });
    });
    http = engine.listen("127.0.0.1", 0);
  }

  /** Starts with the builder's options and path {@code /engine.io/}. */
  public static EngineFixture start(EngineOptions.Builder options) {
    return new EngineFixture(options.path("/engine.io/").build());
  }

  public int port() {
    return http.port();
  }

  /** {@code http://127.0.0.1:PORT/engine.io/} */
  public String base() {
    return "http://127.0.0.1:" + port() + "/engine.io/";
  }

  /** The server's side of session {@code sid} (waits for the connection listener). */
  public EngineSocket socket(String sid) {
    try {
      return sockets.computeIfAbsent(sid, k -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no session " + sid, e);
    }
  }

  /** The next message session {@code sid} received (waits up to 10 s). */
  public Object nextReceived(String sid) {
    try {
      Object r = received.computeIfAbsent(sid, k -> new LinkedBlockingQueue<>()).poll(10, TimeUnit.SECONDS);
      if (r == null) throw new AssertionError("session " + sid + " received nothing within 10 s");
      return r;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits until session {@code sid} announces its next upgrade, and checks it is to {@code transport}. */
  public void awaitUpgrade(String sid, String transport) {
    try {
      String t = upgrades.computeIfAbsent(sid, k -> new LinkedBlockingQueue<>()).poll(10, TimeUnit.SECONDS);
      if (!transport.equals(t)) throw new AssertionError("session " + sid + " upgraded to " + t + ", not " + transport);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Waits for session {@code sid} to close; returns "reason text: description". */
  public String awaitClose(String sid) {
    try {
      String r = closes.computeIfAbsent(sid, k -> new LinkedBlockingQueue<>()).poll(10, TimeUnit.SECONDS);
      if (r == null) throw new AssertionError("session " + sid + " did not close within 10 s");
      return r;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Whether session {@code sid} has closed (without waiting). */
  public boolean hasClosed(String sid) {
    BlockingQueue<String> q = closes.get(sid);
    return q != null && !q.isEmpty();
  }

  @Override
  public void close() {
    http.close();
  }
}
