package dev.belay.engine;

import dev.belay.binding.HttpExchange;
import dev.belay.engine.parser.EngineCodec;
import dev.belay.engine.parser.EnginePacket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * HTTP long-polling: a GET is held (no thread blocked) until there is something to send; a POST
 * carries a payload up and is answered {@code ok}. One GET and one POST at a time per session:
 * a second concurrent one is answered 400 and closes the session.
 */
final class PollingTransport extends Transport {
  static final String NAME = "polling";

  private final EngineServer server;
  /** The held GET, or null. Written on the lane; volatile so that writable() can be read anywhere. */
  private volatile HttpExchange pendingGet;
  /** The upstream half: POSTs, as in long-polling. */
  private final UpstreamPosts posts;
  /** Lane: closed; further polls only collect {@link #held}. */
  private boolean closed;
  /** Lane: final packets kept for the client's next poll after a lingering close, or null. */
  private List<EnginePacket> held;

  PollingTransport(EngineServer server) {
    this.server = server;
    this.posts = new UpstreamPosts(server, this);
  }

  @Override
  String name() {
    return NAME;
  }

  @Override
  boolean writable() {
    return pendingGet != null;
  }

  /** A GET arrived for this session (any thread). */
  void onGet(HttpExchange exchange) {
    EngineSession session = session();
    session.lane.execute(() -> {
      if (closed) {
        if (held != null) {
          respond(exchange, held);
          held = null;
          session.onTransportFinished(this);
        } else {
          server.respondError(exchange, EngineError.BAD_REQUEST);
        }
        return;
      }
      if (pendingGet != null) {
        server.respondError(exchange, EngineError.BAD_REQUEST);
        session.onTransportClose(this, CloseReason.TRANSPORT_ERROR, "a second poll while one was pending");
        return;
      }
      pendingGet = exchange;
      exchange.onAbort(() -> session.lane.execute(() -> {
        if (pendingGet == exchange) {
          pendingGet = null;
          session.onTransportClose(this, CloseReason.TRANSPORT_CLOSE, "the client dropped its poll");
        }
      }));
      if (session.shouldReleasePoll(this)) {
        // A poll after the probe was answered: a client that paused polling sends none, so this
        // one is held briefly (as the reference server's 100 ms check does) and then released
        // with NOOP, unless the upgrade completes first and ends it with 400.
        server.scheduler().schedule(() -> session.lane.execute(() -> {
          if (pendingGet == exchange && session.shouldReleasePoll(this)) send(List.of(EnginePacket.NOOP));
        }), RELEASE_AFTER_PROBE);
      } else {
        session.onDrain(this);
      }
    });
  }

  /** A POST arrived for this session (any thread; usually the I/O thread). */
  void onPost(HttpExchange exchange) {
    posts.accept(exchange);
  }

  private static final java.time.Duration RELEASE_AFTER_PROBE = java.time.Duration.ofMillis(50);

  /** The session moved to another transport: a poll still pending has no transport left (400). */
  @Override
  void closeReplaced() {
    if (closed) return;
    closed = true;
    HttpExchange exchange = pendingGet;
    pendingGet = null;
    if (exchange != null) server.respondError(exchange, EngineError.BAD_REQUEST);
  }

  @Override
  void send(List<EnginePacket> packets) {
    HttpExchange exchange = pendingGet;
    pendingGet = null;
    respond(exchange, packets);
  }

  @Override
  void close(List<EnginePacket> finalPackets, boolean linger) {
    if (closed) return;
    closed = true;
    HttpExchange exchange = pendingGet;
    pendingGet = null;
    if (exchange != null) {
      respond(exchange, finalPackets.isEmpty() ? List.of(EnginePacket.NOOP) : finalPackets);
    } else if (linger && !finalPackets.isEmpty()) {
      held = finalPackets;
    }
  }

  @Override
  boolean holdsFinalPackets() {
    return held != null;
  }

  private void respond(HttpExchange exchange, List<EnginePacket> packets) {
    byte[] body = EngineCodec.encodePayload(packets).getBytes(StandardCharsets.UTF_8);
    server.respond(exchange, 200, "text/plain; charset=UTF-8", body);
    server.stats().sent(packets.size());
  }
}
