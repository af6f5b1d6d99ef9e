package dev.belay.engine;

import dev.belay.binding.HttpExchange;
import dev.belay.binding.IoThread;
import dev.belay.binding.WebSocketConnection;
import dev.belay.binding.WebSocketListener;
import dev.belay.binding.WriteCallback;
import dev.belay.engine.parser.EngineCodec;
import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.EngineParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * WebSocket: one frame per packet, text frames for text packets and binary frames (no prefix) for
 * binary messages. A batch is in flight until its last frame is written; meanwhile the session
 * buffers, so the binding's own queue never holds more than one batch.
 */
final class WebSocketTransport extends Transport implements WebSocketListener {
  static final String NAME = "websocket";

  /** What a WebSocket that is closed at once listens with: nothing. */
  private static final WebSocketListener IGNORE_FRAMES = new WebSocketListener() {
    @Override public void onText(String text) {}

    @Override public void onBinary(byte[] data) {}

    @Override public void onClose(int code, String reason) {}

    @Override public void onError(Throwable error) {}
  };

  /** WebSocket: an upgrade opens a session, or upgrades a polling or SSE one. */
  static final TransportKind KIND = new TransportKind() {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public boolean overWebSocket() {
      return true;
    }

    @Override
    public void handshake(EngineServer server, HttpExchange exchange, List<String> upgrades) {
      exchange.acceptWebSocket(Map.of(), connection -> {
        WebSocketTransport ws = new WebSocketTransport(server);
        ws.connected(connection);
        server.start(server.register(exchange.request(), ws), upgrades);
        return ws;
      });
    }

    @Override
    public void route(EngineServer server, HttpExchange exchange, EngineSession session) {
      if (!server.options().allowUpgrades() || !session.canUpgrade() || session.transport().equals(NAME)) {
        // As the reference server does: accept, then close at once. The session is untouched.
        exchange.acceptWebSocket(Map.of(), connection -> {
          connection.close(1008, "no upgrade possible for this session");
          return IGNORE_FRAMES;
        });
        return;
      }
      exchange.acceptWebSocket(Map.of(), connection -> {
        WebSocketTransport ws = new WebSocketTransport(server);
        ws.connected(connection);
        ws.attach(session);
        session.lane.execute(() -> session.beginUpgrade(ws));
        return ws;
      });
    }
  };

  private final EngineServer server;
  /** The connection; set once when the binding opens it (before any frame arrives). */
  private WebSocketConnection connection;
  /** A batch is being written. Written on the lane; volatile so writable() can be read anywhere. */
  private volatile boolean writing;
  /** Lane: closed; nothing more is sent. Volatile for writable(). */
  private volatile boolean closed;

  WebSocketTransport(EngineServer server) {
    this.server = server;
  }

  void connected(WebSocketConnection connection) {
    this.connection = connection;
  }

  @Override
  String name() {
    return NAME;
  }

  @Override
  IoThread ioThread() {
    return connection.ioThread();
  }

  @Override
  boolean writable() {
    return !writing && !closed;
  }

  @Override
  void send(List<EnginePacket> packets) {
    writing = true;
    EngineSession session = session();
    AtomicInteger remaining = new AtomicInteger(packets.size());
    WriteCallback done = error -> {
      if (error != null) {
        session.lane.execute(() -> session.onTransportClose(this, CloseReason.TRANSPORT_ERROR, "write failed: " + error));
      } else if (remaining.decrementAndGet() == 0) {
        session.lane.execute(() -> {
          writing = false;
          session.onDrain(this);
        });
      }
    };
    for (EnginePacket p : packets) write(p, done);
    server.stats().sent(packets.size());
  }

  private void write(EnginePacket p, WriteCallback done) {
    if (p.isBinary()) connection.sendBinary(p.binary(), done);
    else connection.sendText(p.utf8Frame(), done);
  }

  @Override
  void close(List<EnginePacket> finalPackets, boolean linger) {
    if (closed) return;
    closed = true;
    for (EnginePacket p : finalPackets) write(p, error -> {});
    connection.close(1000, "");
  }

  /** Policy violation (1008) with a reason: the frames still queued would never reach this client. */
  @Override
  void overflowed(String description) {
    if (closed) return;
    closed = true;
    connection.close(1008, "outbound buffer full");
  }

  // ---- frames from the binding (its I/O thread) ----

  @Override
  public void onText(String text) {
    EngineSession session = session();
    EnginePacket packet;
    try {
      packet = EngineCodec.decodePacket(text);
    } catch (EngineParseException e) {
      session.lane.execute(() -> session.onParseError(this, e.getMessage()));
      return;
    }
    session.lane.execute(() -> session.onPacket(this, packet));
  }

  @Override
  public void onBinary(byte[] data) {
    EngineSession session = session();
    EnginePacket packet = EngineCodec.decodeBinary(data);
    session.lane.execute(() -> session.onPacket(this, packet));
  }

  @Override
  public void onClose(int code, String reason) {
    EngineSession session = session();
    session.lane.execute(() -> {
      closed = true;
      CloseReason why = code == 1009 ? CloseReason.TRANSPORT_ERROR : CloseReason.TRANSPORT_CLOSE;
      session.onTransportClose(this, why, "websocket closed with " + code + (reason.isEmpty() ? "" : " " + reason));
    });
  }

  @Override
  public void onError(Throwable error) {
    EngineSession session = session();
    session.lane.execute(() -> {
      closed = true;
      session.onTransportClose(this, CloseReason.TRANSPORT_ERROR, "websocket error: " + error);
    });
  }
}
