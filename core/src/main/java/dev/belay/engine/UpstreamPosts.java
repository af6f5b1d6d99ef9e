package dev.belay.engine;

import dev.belay.binding.HttpExchange;
import dev.belay.engine.parser.EngineCodec;
import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.EngineParseException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The upstream half shared by long-polling and SSE: a POST carries a payload, answered {@code ok}
 * once its packets are handed to the session. One POST at a time: a second concurrent one is
 * answered 400 and closes the session; a body over maxPayload is 413 and closes it; a body that
 * does not parse (or is not UTF-8) is 400 and closes it with "parse error". A POST whose
 * transport neither carries the open session nor is its upgrade candidate any more when the body
 * has been read (an abandoned candidate) is 400 and leaves the session alone. A POST whose session
 * closed while its body was on the way is 400 {@code {"code":1,"message":"Session ID unknown"}}:
 * its packets were not handled, and the client must not read "ok".
 *
 * <p>A body of {@link #LARGE_BODY} bytes or more is decoded and handed to the session on a worker
 * thread, not on the I/O thread that read it: a megabyte of tiny packets takes a while to decode
 * and dispatch, and the other connections of that I/O thread (their heartbeats) must not wait.
 * The packets of one POST stay in order; one POST at a time keeps POSTs in order.
 */
final class UpstreamPosts {
  private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);
  /** Bodies at least this large are decoded and dispatched off the I/O thread. */
  static final int LARGE_BODY = 64 * 1024;

  private final EngineServer server;
  private final Transport transport;
  /** A POST is being read or handled. Any thread: checked on the I/O thread, before the lane. */
  private final AtomicBoolean posting = new AtomicBoolean();

  UpstreamPosts(EngineServer server, Transport transport) {
    this.server = server;
    this.transport = transport;
  }

  /** A POST arrived for the transport's session (any thread; usually the I/O thread). */
  void accept(HttpExchange exchange) {
    EngineSession session = transport.session();
    if (!posting.compareAndSet(false, true)) {
      server.respondError(exchange, EngineError.BAD_REQUEST);
      session.lane.execute(() ->
          session.onTransportClose(transport, CloseReason.TRANSPORT_ERROR, "a second POST while one was pending"));
      return;
    }
    int max = server.options().maxPayload();
    exchange.readBody(max, new HttpExchange.BodyListener() {
      @Override
      public void onBody(byte[] body) {
        if (body.length >= LARGE_BODY) server.executor().execute(() -> handle(body));
        else handle(body);
      }

      private void handle(byte[] body) {
        List<EnginePacket> packets;
        try {
          packets = EngineCodec.decodePayload(EngineCodec.decodeUtf8(body));
        } catch (EngineParseException e) {
          posting.set(false);
          server.respondError(exchange, EngineError.BAD_REQUEST);
          session.lane.execute(() -> session.onParseError(transport, e.getMessage()));
          return;
        }
        session.lane.execute(() -> {
          if (!session.isOpen()) {
            posting.set(false);
            server.respondError(exchange, EngineError.UNKNOWN_SID);
            return;
          }
          if (!session.carriesOrProbes(transport)) {
            // Accepted for an upgrade candidate that was abandoned while the body was on the way
            // (timeout, dropped stream, a bad packet): nothing in it is handled, and the client
            // is told so rather than answered "ok". The session is left alone.
            posting.set(false);
            server.respondError(exchange, EngineError.BAD_REQUEST);
            return;
          }
          for (EnginePacket p : packets) session.onPacket(transport, p);
          posting.set(false);
          // Answered once the listeners have seen these messages (the listener lane is FIFO), as
          // the reference server does: what they send in reply is queued before the client reads
          // "ok" and polls again, and a slow listener slows its own client's uploads (backpressure).
          session.execute(() -> server.respond(exchange, 200, "text/html; charset=UTF-8", OK));
        });
      }

      @Override
      public void onTooLarge() {
        posting.set(false);
        server.respondError(exchange, EngineError.PAYLOAD_TOO_LARGE);
        session.lane.execute(() -> session.onTransportClose(transport, CloseReason.TRANSPORT_ERROR,
            "a POST body over maxPayload (" + max + " bytes)"));
      }

      @Override
      public void onError(Throwable error) {
        posting.set(false);
        session.lane.execute(() -> session.onTransportClose(transport, CloseReason.TRANSPORT_ERROR,
            "reading a POST failed: " + error));
      }
    });
  }
}
