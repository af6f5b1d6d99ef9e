package dev.belay.engine;

import dev.belay.binding.HttpExchange;
import dev.belay.engine.parser.EngineCodec;
import dev.belay.engine.parser.EnginePacket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * HTTP long-polling: a GET is held (no thread blocked) until there is something to send; a POST
 * carries a payload up and is answered {@code ok}. One GET and one POST at a time per session:
 * a second concurrent one is answered 400 and closes the session.
 *
 * <p>Resend-safe polling (PROTOCOL.md): every answer is numbered. A GET that sends
 * {@code belay_ack=n} (the number of the last answer its client fully received) gets the number of
 * its answer in {@code X-Belay-Seq}, and that answer is kept until a later GET acknowledges it: a
 * GET whose {@code belay_ack} is one behind (the client, or the browser silently, asked again
 * because the answer was lost) is given the same bytes with the same number instead of new packets.
 * Such a GET also replaces a pending one with the same {@code belay_ack} (the client gave up on a
 * connection the server has not yet seen fail), and a dropped one ends the session only if no GET
 * follows within {@link #REPOLL_GRACE} (or pingTimeout, if shorter): the client, or the browser,
 * sends it again at once. Any other {@code belay_ack} is a 400 that closes the session. GETs
 * without the parameter behave exactly as in Engine.IO.
 */
final class PollingTransport extends Transport {
  static final String NAME = "polling";

  /** Long-polling: a GET opens a session; GETs poll and POSTs carry the client's packets. */
  static final TransportKind KIND = new TransportKind() {
    @Override
    public String name() {
      return NAME;
    }

    @Override
    public void handshake(EngineServer server, HttpExchange exchange, List<String> upgrades) {
      PollingTransport polling = new PollingTransport(server);
      server.openOverHttp(exchange, polling, () -> polling.onGet(exchange), upgrades);
    }

    @Override
    public void route(EngineServer server, HttpExchange exchange, EngineSession session) {
      String current = session.transport();
      if (!current.equals(NAME)) {
        server.refuse(exchange, EngineError.BAD_REQUEST,
            Map.of("name", "TRANSPORT_MISMATCH", "transport", NAME, "previousTransport", current));
        return;
      }
      PollingTransport polling = (PollingTransport) session.currentTransport();
      String method = exchange.request().method();
      if ("GET".equals(method)) {
        polling.onGet(exchange);
      } else if ("POST".equals(method) && session.isOpen()) {
        polling.onPost(exchange);
      } else {
        server.respondError(exchange, EngineError.BAD_REQUEST);
      }
    }
  };

  private final EngineServer server;
  /** The held GET, or null. Written on the lane; volatile so that writable() can be read anywhere. */
  private volatile HttpExchange pendingGet;
  /** Lane: the {@code belay_ack} of {@link #pendingGet}, or -1 when it sent none. */
  private long pendingAck = -1;
  /** The upstream half: POSTs, as in long-polling. */
  private final UpstreamPosts posts;
  /** Lane: closed; further polls only collect {@link #held}. */
  private boolean closed;
  /** Lane: final packets kept for the client's next poll after a lingering close, or null. */
  private List<EnginePacket> held;
  /** Lane: GETs seen so far, to tell whether one came after a numbered poll was dropped. */
  private long gets;
  /** Lane: the number of the last answer sent, 0 before any. */
  private long answered;
  /**
   * Lane: the body of answer {@link #answered} while its client may still ask for it again (it
   * was sent to a GET with {@code belay_ack} and no later GET acknowledged it), else null. At most
   * one per session; its messages stay counted against the session's and the server's outbound
   * byte limits until acknowledged, because the session releases a batch only on the next poll
   * that acknowledges it ({@link EngineSession#onDrain}).
   */
  private byte[] retained;

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
      gets++;
      String ackParam = exchange.request().query(Resend.ACK);
      long ack = ackParam == null ? -1 : Resend.parse(ackParam);
      if (ackParam != null && (ack < 0 || ack > answered || ack < answered - 1
          || (ack == answered - 1 && retained == null))) {
        server.respondError(exchange, EngineError.BAD_REQUEST);
        if (!closed) {
          session.onTransportClose(this, CloseReason.TRANSPORT_ERROR,
              "a poll with " + Resend.ACK + "=" + ackParam + " after answer " + answered);
        }
        return;
      }
      boolean resend = ackParam != null && ack == answered - 1;
      if (closed) {
        if (resend) {
          resend(exchange);
        } else if (held != null) {
          respond(exchange, held, ack);
          held = null;
          session.onTransportFinished(this);
        } else {
          server.respondError(exchange, EngineError.BAD_REQUEST);
        }
        return;
      }
      if (pendingGet != null) {
        if (ackParam != null && ack == pendingAck) {
          // The same poll again: its client gave up on the connection it was waiting on.
          HttpExchange old = pendingGet;
          pendingGet = null;
          server.respondError(old, EngineError.BAD_REQUEST);
          hold(exchange, ack);
          return;
        }
        server.respondError(exchange, EngineError.BAD_REQUEST);
        session.onTransportClose(this, CloseReason.TRANSPORT_ERROR, "a second poll while one was pending");
        return;
      }
      if (resend) {
        resend(exchange);
        return;
      }
      retained = null;
      hold(exchange, ack);
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

  /** Lane. Holds {@code exchange} as the pending poll. */
  private void hold(HttpExchange exchange, long ack) {
    EngineSession session = session();
    pendingGet = exchange;
    pendingAck = ack;
    exchange.onAbort(() -> session.lane.execute(() -> {
      if (pendingGet != exchange) return;
      pendingGet = null;
      if (ack < 0) {
        session.onTransportClose(this, CloseReason.TRANSPORT_CLOSE, "the client dropped its poll");
        return;
      }
      // A client that acknowledges answers polls again at once on a new connection; one that
      // does not within the grace is gone (a closed tab), and is not kept until the heartbeat.
      long seen = gets;
      java.time.Duration grace = REPOLL_GRACE.compareTo(server.options().pingTimeout()) < 0
          ? REPOLL_GRACE : server.options().pingTimeout();
      server.scheduler().schedule(() -> session.lane.execute(() -> {
        if (gets == seen && !closed) {
          session.onTransportClose(this, CloseReason.TRANSPORT_CLOSE,
              "the client dropped its poll and did not poll again within " + grace.toMillis() + " ms");
        }
      }), grace);
    }));
  }

  /** Lane. The last answer again, with its number; the session is not told (nothing new was taken). */
  private void resend(HttpExchange exchange) {
    server.respond(exchange, 200, CONTENT_TYPE, retained, Resend.SEQ_HEADER, Long.toString(answered));
  }

  /** A POST arrived for this session (any thread; usually the I/O thread). */
  void onPost(HttpExchange exchange) {
    posts.accept(exchange);
  }

  private static final java.time.Duration RELEASE_AFTER_PROBE = java.time.Duration.ofMillis(50);
  private static final String CONTENT_TYPE = "text/plain; charset=UTF-8";
  /** How long a dropped numbered poll waits for the client to poll again (at most pingTimeout). */
  static final java.time.Duration REPOLL_GRACE = java.time.Duration.ofSeconds(5);

  /** The session moved to another transport: a poll still pending has no transport left (400). */
  @Override
  void closeReplaced() {
    if (closed) return;
    closed = true;
    retained = null;
    HttpExchange exchange = pendingGet;
    pendingGet = null;
    if (exchange != null) server.respondError(exchange, EngineError.BAD_REQUEST);
  }

  @Override
  void send(List<EnginePacket> packets) {
    HttpExchange exchange = pendingGet;
    pendingGet = null;
    respond(exchange, packets, pendingAck);
  }

  @Override
  void close(List<EnginePacket> finalPackets, boolean linger) {
    if (closed) return;
    closed = true;
    HttpExchange exchange = pendingGet;
    pendingGet = null;
    if (exchange != null) {
      respond(exchange, finalPackets.isEmpty() ? List.of(EnginePacket.NOOP) : finalPackets, pendingAck);
    } else if (linger && !finalPackets.isEmpty()) {
      held = finalPackets;
    }
  }

  @Override
  boolean holdsFinalPackets() {
    return held != null;
  }

  /**
   * Lane. Answers a poll with the next number; keeps the answer for a resend when the poll sent
   * {@code belay_ack} ({@code ack >= 0}).
   */
  private void respond(HttpExchange exchange, List<EnginePacket> packets, long ack) {
    byte[] body = EngineCodec.encodePayload(packets).getBytes(StandardCharsets.UTF_8);
    answered++;
    if (ack >= 0) {
      retained = body;
      server.respond(exchange, 200, CONTENT_TYPE, body, Resend.SEQ_HEADER, Long.toString(answered));
    } else {
      retained = null;
      server.respond(exchange, 200, CONTENT_TYPE, body);
    }
    server.stats().sent(packets.size());
  }
}
