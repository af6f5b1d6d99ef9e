package dev.belay.engine;

import dev.belay.binding.HttpExchange;
import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.SseCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Belay's {@code sse} transport (PROTOCOL.md, "the sse transport"): one long
 * {@code text/event-stream} response carries the packets down, one event each, written and flushed
 * at once; POSTs carry payloads up exactly as in long-polling. One batch is in flight at a time,
 * as on WebSocket, so the session's bounded buffer (not the binding's queue) holds what a slow
 * client has not taken yet.
 *
 * <p>As the old transport of an upgrade to WebSocket it writes a NOOP event once the candidate
 * has answered the probe and then writes nothing more until the switch (or until the upgrade is
 * abandoned), so that the client can tell where the stream's share of the packets ends.
 */
final class SseTransport extends Transport {
  static final String NAME = "sse";

  /** SSE (a Belay extension): a GET opens the event stream of a new session or upgrades a polling one; POSTs go up. */
  static final TransportKind KIND = new TransportKind() {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public void handshake(EngineServer server, HttpExchange exchange, List<String> upgrades) {
      SseTransport sse = new SseTransport(server);
      server.openOverHttp(exchange, sse, () -> sse.open(exchange), upgrades);
    }

    @Override
    public void route(EngineServer server, HttpExchange exchange, EngineSession session) {
      SseTransport.route(server, exchange, session);
    }
  };

  private final EngineServer server;
  /** The response stream; set once by {@link #open} before anything is sent. */
  private HttpExchange.ResponseStream stream;
  /** A batch is being written. Written on the lane; volatile so writable() can be read anywhere. */
  private volatile boolean writing;
  /** Paused for an upgrade away from SSE (the NOOP marker was written). Lane; volatile for writable(). */
  private volatile boolean paused;
  /** Ended; nothing more is written. Lane; volatile for writable(). */
  private volatile boolean closed;
  /** Lane: why the stream ended while paused for an upgrade, or null. */
  private String droppedWhilePaused;
  /** The upstream half: POSTs, as in long-polling. */
  private final UpstreamPosts posts;

  SseTransport(EngineServer server) {
    this.server = server;
    this.posts = new UpstreamPosts(server, this);
  }

  @Override
  String name() {
    return NAME;
  }

  @Override
  boolean writable() {
    return !writing && !paused && !closed;
  }

  /**
   * Starts the stream on {@code exchange}: status, headers and the padding comment. The session
   * must be attached. Any thread.
   */
  void open(HttpExchange exchange) {
    EngineSession session = session();
    Map<String, String> headers = server.corsHeaders(exchange.request());
    headers.put("Content-Type", "text/event-stream");
    headers.put("Cache-Control", "no-cache, no-transform");
    headers.put("X-Accel-Buffering", "no");
    stream = exchange.stream(200, headers);
    // Sent even when empty: it makes the binding send the headers now, so the client sees the
    // stream open at once.
    stream.write(SseCodec.padding(server.options().ssePaddingBytes()).getBytes(StandardCharsets.UTF_8), error -> {
      if (error != null) dropped("writing the padding failed: " + error);
    });
    exchange.onAbort(() -> dropped("the client dropped the stream"));
  }

  private void dropped(String description) {
    EngineSession session = session();
    session.lane.execute(() -> {
      if (closed) return;
      closed = true;
      stream.close();
      // Paused for an upgrade, the stream has carried all it will: a client may close it as soon as
      // it has sent the upgrade packet on the new transport, which may reach us after the end of
      // this stream. Only if the upgrade is then abandoned is the session lost.
      if (paused) {
        droppedWhilePaused = description;
        return;
      }
      session.onTransportClose(this, CloseReason.TRANSPORT_CLOSE, description);
    });
  }

  @Override
  void send(List<EnginePacket> packets) {
    writing = true;
    EngineSession session = session();
    byte[] bytes = SseCodec.encodeEvents(packets).getBytes(StandardCharsets.UTF_8);
    stream.write(bytes, error -> {
      if (error != null) {
        dropped("write failed: " + error);
      } else {
        session.lane.execute(() -> {
          writing = false;
          session.onDrain(this);
        });
      }
    });
    server.stats().sent(packets.size());
  }

  @Override
  void onProbed(boolean nothingBuffered) {
    if (closed) return;
    paused = true;
    stream.write(SseCodec.encodeEvent(EnginePacket.NOOP).getBytes(StandardCharsets.UTF_8), error -> {
      if (error != null) dropped("write failed: " + error);
    });
  }

  @Override
  void onUpgradeAbandoned() {
    if (!paused) return;
    paused = false;
    if (droppedWhilePaused != null) {
      session().onTransportClose(this, CloseReason.TRANSPORT_CLOSE, droppedWhilePaused);
    } else {
      session().onDrain(this);
    }
  }

  @Override
  void close(List<EnginePacket> finalPackets, boolean linger) {
    if (closed) return;
    closed = true;
    if (!finalPackets.isEmpty()) {
      stream.write(SseCodec.encodeEvents(finalPackets).getBytes(StandardCharsets.UTF_8), error -> {});
      server.stats().sent(finalPackets.size());
    }
    stream.close();
  }

  // ---- upstream: POST, as in long-polling (any thread; results hop to the lane) ----

  void onPost(HttpExchange exchange) {
    posts.accept(exchange);
  }

  // ---- routing of requests with transport=sse and a sid (called by EngineServer) ----

  /**
   * A GET or POST with {@code transport=sse} for an existing session. A GET on a polling session
   * starts an upgrade; a GET while the session already has a stream is a second stream (400, and
   * the session closes); a POST goes to the session's stream transport or upgrade candidate.
   * Anything else is answered 400 and leaves the session alone.
   */
  static void route(EngineServer server, HttpExchange exchange, EngineSession session) {
    String method = exchange.request().method();
    if ("GET".equals(method)) {
      session.lane.execute(() -> {
        if (!session.isOpen()) {
          server.respondError(exchange, EngineError.BAD_REQUEST);
        } else if (session.currentTransport() instanceof SseTransport
            || session.candidateTransport() instanceof SseTransport) {
          server.respondError(exchange, EngineError.BAD_REQUEST);
          session.closeOnLane(CloseReason.TRANSPORT_ERROR, "a second stream for one session");
        } else if (!server.options().allowUpgrades()
            || !PollingTransport.NAME.equals(session.transport()) || session.upgrading()) {
          server.respondError(exchange, EngineError.BAD_REQUEST);
        } else {
          SseTransport sse = new SseTransport(server);
          sse.attach(session);
          sse.open(exchange);
          session.beginUpgrade(sse);
        }
      });
    } else if ("POST".equals(method)) {
      session.lane.execute(() -> {
        if (session.isOpen() && session.currentTransport() instanceof SseTransport sse) {
          sse.onPost(exchange);
        } else if (session.isOpen() && session.candidateTransport() instanceof SseTransport sse) {
          sse.onPost(exchange);
        } else {
          server.respondError(exchange, EngineError.BAD_REQUEST);
        }
      });
    } else {
      server.respondError(exchange, EngineError.BAD_REQUEST);
    }
  }
}
