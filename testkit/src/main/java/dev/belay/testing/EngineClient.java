package dev.belay.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.belay.engine.parser.EngineCodec;
import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.EnginePacketType;
import dev.belay.engine.parser.SseCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A small Engine.IO v4 client for the tests, on the JDK's HttpClient and WebSocket: polling, sse
 * (reading the stream line by line) and websocket, heartbeat answers, and the probe upgrades
 * exactly as PROTOCOL.md describes them (polling to sse, polling to websocket, sse to websocket).
 * Every message received is recorded with the transport that carried it.
 *
 * <pre>{@code
 * try (EngineClient c = EngineClient.open(base, "polling")) {
 *   c.send("hi");
 *   c.upgrade("sse");
 *   assertEquals("hi", c.nextMessage().data());
 * }
 * }</pre>
 */
public final class EngineClient implements AutoCloseable {
  /** A message and the transport it came on. */
  public record Received(Object data, String via) {
    public String text() {
      return (String) data;
    }
  }

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final String base;
  private final HttpClient http;
  private final BlockingQueue<Received> messages = new LinkedBlockingQueue<>();
  private final BlockingQueue<EnginePacket> outbox = new LinkedBlockingQueue<>();
  /** Held by the sender for each batch, and by an upgrade while the old transport is paused. */
  private final ReentrantLock sendLock = new ReentrantLock();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final CompletableFuture<JsonObject> handshake = new CompletableFuture<>();
  private volatile String sid;
  /** The transport that carries the session now. */
  private volatile String current;
  private volatile boolean stopping;
  private volatile boolean stopPolling;
  private Thread pollThread;
  private Thread senderThread;
  private Stream<String> sseLines;
  private WebSocket ws;
  /** During an upgrade: completed by 3probe on the candidate, and by the 6 marker on an old stream. */
  private volatile CompletableFuture<Void> probeAnswered = new CompletableFuture<>();
  private volatile CompletableFuture<Void> streamMarker = new CompletableFuture<>();
  private volatile boolean upgrading;
  /** Messages sent, by the transport that carried them. */
  private final Map<String, AtomicInteger> sentVia = new ConcurrentHashMap<>();
  /** Pings received. */
  private final java.util.concurrent.Semaphore pings = new java.util.concurrent.Semaphore(0);
  /** Whether pings are answered (off to test ping timeouts). */
  private volatile boolean answerPings = true;

  private EngineClient(String base, HttpClient http) {
    this.base = base;
    this.http = http;
  }

  /**
   * Opens a session on {@code transport} ("polling", "sse" or "websocket") at {@code base}: the
   * engine's URL, ending in "/" or carrying a query of its own that every request repeats.
   */
  public static EngineClient open(String base, String transport) {
    return open(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build(), base, transport);
  }

  /**
   * As {@link #open(String, String)}, with every request and the WebSocket going through
   * {@code http} (for example one that speaks HTTP/2 over TLS).
   */
  public static EngineClient open(HttpClient http, String base, String transport) {
    EngineClient c = new EngineClient(base, http);
    c.current = transport;
    switch (transport) {
      case "polling" -> {
        List<EnginePacket> first = c.poll(null);
        if (first.isEmpty() || first.get(0).type() != EnginePacketType.OPEN) {
          throw new AssertionError("expected the open packet, got " + first);
        }
        for (EnginePacket p : first) c.deliver(p, "polling");
        c.sid = c.handshake().get("sid").getAsString(); // before the first poll, which carries it
        c.startPolling();
      }
      case "sse" -> c.sseStream(null, "sse");
      case "websocket" -> c.ws = c.connectWebSocket(null);
      default -> throw new IllegalArgumentException(transport);
    }
    c.sid = c.handshake().get("sid").getAsString();
    c.senderThread = new Thread(c::sendLoop, "engine-client-sender");
    c.senderThread.setDaemon(true);
    c.senderThread.start();
    return c;
  }

  public String sid() {
    return sid;
  }

  public String transport() {
    return current;
  }

  /** The open packet's JSON. */
  public JsonObject handshake() {
    return await(handshake);
  }

  public void answerPings(boolean answer) {
    answerPings = answer;
  }

  /** Queues a text message; it goes out in order on whichever transport is current. */
  public void send(String text) {
    outbox.add(EnginePacket.message(text));
  }

  public void send(byte[] data) {
    outbox.add(EnginePacket.binary(data));
  }

  /** Queues any packet. */
  public void sendPacket(EnginePacket p) {
    outbox.add(p);
  }

  /** The next message received, waiting up to 10 s. */
  public Received nextMessage() {
    try {
      Received r = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      if (r == null) throw new AssertionError("no message within " + WAIT + " (closed: " + closed.getNow(null) + ")");
      return r;
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  /** Completes with the reason when the session ends from the client's point of view. */
  public CompletableFuture<String> closed() {
    return closed;
  }

  /** How many messages went out on {@code transport}. */
  public int sentVia(String transport) {
    AtomicInteger n = sentVia.get(transport);
    return n == null ? 0 : n.get();
  }

  /** Waits for {@code n} more pings from the server (10 s each at most). */
  public void awaitPings(int n) {
    for (int i = 0; i < n; i++) {
      try {
        if (!pings.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("no ping within " + WAIT);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  /** Drops the SSE stream as a client that goes away would (closes the connection). */
  public void dropStream() {
    stopping = true;
    sseLines.close();
  }

  // ---- upgrade, as in PROTOCOL.md ----

  /** Upgrades the session to {@code to} with the probe; returns once the switch is done. */
  public void upgrade(String to) {
    String from = current;
    probeAnswered = new CompletableFuture<>();
    streamMarker = new CompletableFuture<>();
    upgrading = true;
    Stream<String> oldLines = sseLines;
    WebSocket candidateWs = null;
    // 1. open the candidate, 2. probe it.
    if (to.equals("sse")) {
      sseStream(sid, "sse");
      post("sse", "2probe");
    } else {
      candidateWs = connectWebSocket(sid);
      await(candidateWs.sendText("2probe", true));
    }
    // 3. the candidate answers 3probe.
    await(probeAnswered);
    // 4. pause the old transport: no POST in flight or started; the last poll back, or the stream's marker read.
    sendLock.lock();
    try {
      if (from.equals("polling")) {
        stopPolling = true;
        join(pollThread);
      } else if (from.equals("sse")) {
        await(streamMarker);
      }
      // 5. the upgrade packet on the candidate; from now on it carries the session.
      current = to;
      upgrading = false;
      if (to.equals("sse")) {
        post("sse", "5");
      } else {
        ws = candidateWs;
        await(candidateWs.sendText("5", true));
      }
      if (from.equals("sse") && oldLines != null) oldLines.close();
    } finally {
      sendLock.unlock();
    }
  }

  // ---- downstream ----

  private void deliver(EnginePacket p, String via) {
    if (!via.equals(current)) {
      // The candidate of an upgrade: only the probe answer is expected there.
      if (p.type() == EnginePacketType.PONG && "probe".equals(p.text())) probeAnswered.complete(null);
      return;
    }
    switch (p.type()) {
      case OPEN -> handshake.complete(JsonParser.parseString(p.text()).getAsJsonObject());
      case PING -> {
        pings.release();
        if (answerPings) outbox.add(EnginePacket.PONG);
      }
      case MESSAGE -> messages.add(new Received(p.data(), via));
      case CLOSE -> finish("server close");
      case NOOP -> {
        if (upgrading && via.equals("sse")) streamMarker.complete(null);
      }
      default -> { }
    }
  }

  private void finish(String reason) {
    closed.complete(reason);
  }

  private List<EnginePacket> poll(String sid) {
    HttpResponse<String> res = send(HttpRequest.newBuilder(uri("polling", sid)).GET().build());
    if (res.statusCode() != 200) throw new IllegalStateException("poll answered " + res.statusCode() + " " + res.body());
    return EngineCodec.decodePayload(res.body());
  }

  private void startPolling() {
    pollThread = new Thread(() -> {
      while (!stopping && !stopPolling && !closed.isDone()) {
        List<EnginePacket> packets;
        try {
          packets = poll(sid);
        } catch (RuntimeException e) {
          if (!stopping && "polling".equals(current)) finish("transport error: " + e.getMessage());
          return;
        }
        for (EnginePacket p : packets) deliver(p, "polling");
      }
    }, "engine-client-poll");
    pollThread.setDaemon(true);
    pollThread.start();
  }

  /** Opens a stream and reads it line by line on a thread of its own. */
  private void sseStream(String sessionId, String via) {
    HttpResponse<Stream<String>> res;
    try {
      res = http.send(HttpRequest.newBuilder(uri("sse", sessionId)).GET().build(), HttpResponse.BodyHandlers.ofLines());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    if (res.statusCode() != 200) {
      throw new IllegalStateException("sse answered " + res.statusCode() + " " + String.join("\n", res.body().toList()));
    }
    Stream<String> lines = res.body();
    sseLines = lines;
    Thread reader = new Thread(() -> {
      SseCodec.Decoder decoder = new SseCodec.Decoder();
      try {
        Iterator<String> it = lines.iterator();
        while (it.hasNext()) {
          EnginePacket p = decoder.line(it.next());
          if (p != null) deliver(p, via);
        }
        if (via.equals(current) && sseLines == lines) finish("transport close");
      } catch (RuntimeException e) {
        if (via.equals(current) && sseLines == lines && !stopping) finish("transport error: " + e);
      }
    }, "engine-client-sse");
    reader.setDaemon(true);
    reader.start();
  }

  private WebSocket connectWebSocket(String sessionId) {
    String url = uri("websocket", sessionId).toString().replaceFirst("^http", "ws");
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          String frame = text.toString();
          text.setLength(0);
          deliver(EngineCodec.decodePacket(frame), "websocket");
        }
        webSocket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        deliver(EnginePacket.binary(bytes), "websocket"); // the tests send small frames, never fragmented
        webSocket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if ("websocket".equals(current) && ws == webSocket) finish("transport close");
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        if ("websocket".equals(current) && ws == webSocket && !stopping) finish("transport error: " + error);
      }
    };
    return await(http.newWebSocketBuilder().buildAsync(URI.create(url), listener));
  }

  // ---- upstream ----

  private void sendLoop() {
    while (!stopping) {
      List<EnginePacket> batch = new ArrayList<>();
      try {
        EnginePacket first = outbox.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        batch.add(first);
      } catch (InterruptedException e) {
        return;
      }
      outbox.drainTo(batch);
      sendLock.lock();
      try {
        String t = current;
        int messages = (int) batch.stream().filter(p -> p.type() == EnginePacketType.MESSAGE).count();
        sentVia.computeIfAbsent(t, k -> new AtomicInteger()).addAndGet(messages);
        if (t.equals("websocket")) {
          for (EnginePacket p : batch) {
            if (p.isBinary()) await(ws.sendBinary(ByteBuffer.wrap(p.binary()), true));
            else await(ws.sendText(EngineCodec.encodePacket(p), true));
          }
        } else {
          post(t, EngineCodec.encodePayload(batch));
        }
      } catch (RuntimeException e) {
        if (!stopping) finish("send failed: " + e.getMessage());
        return;
      } finally {
        sendLock.unlock();
      }
    }
  }

  /** POSTs a payload with transport {@code t}; fails unless answered 200 ok. */
  public void post(String t, String payload) {
    HttpResponse<String> res = send(HttpRequest.newBuilder(uri(t, sid))
        .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
        .header("Content-Type", "text/plain;charset=UTF-8").build());
    if (res.statusCode() != 200) throw new IllegalStateException("POST answered " + res.statusCode() + " " + res.body());
  }

  private HttpResponse<String> send(HttpRequest req) {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private URI uri(String transport, String sessionId) {
    return URI.create(base + (base.contains("?") ? "&" : "?") + "EIO=4&transport=" + transport
        + (sessionId != null ? "&sid=" + sessionId : ""));
  }

  @Override
  public void close() {
    stopping = true;
    stopPolling = true;
    if (sseLines != null) sseLines.close();
    if (ws != null) ws.abort();
    if (senderThread != null) senderThread.interrupt();
  }

  private static <T> T await(CompletableFuture<T> f) {
    try {
      return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void join(Thread t) {
    try {
      t.join(WAIT.toMillis());
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    if (t.isAlive()) throw new AssertionError("the last poll did not return within " + WAIT);
  }
}
