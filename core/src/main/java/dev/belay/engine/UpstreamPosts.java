package dev.belay.engine;

import dev.belay.binding.HttpExchange;
import dev.belay.engine.parser.EngineCodec;
import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.EngineParseException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
 *
 * <p>Resend-safe POSTs (PROTOCOL.md): a POST that sends {@code belay_seq=m} (1 for the first
 * POST on this transport, then one more each time) is handled once however often it arrives. A
 * POST whose number was already handled (its answer was lost and the client, or the browser
 * silently, sent it again) is answered {@code ok} after the first one's messages have reached the
 * listeners, and its body is read and dropped; a POST whose body could not be read leaves the
 * session open for the same number again; the same number arriving while the first is still being
 * read waits for it (one such at most) and is then answered, or handled in its place. A number
 * that is not the next one (a gap, not a number) is a 400 that closes the session. POSTs without the parameter behave exactly as in Engine.IO.
 */
final class UpstreamPosts {
  private static final byte[] OK = "ok".getBytes(StandardCharsets.UTF_8);
  /** Bodies at least this large are decoded and dispatched off the I/O thread. */
  static final int LARGE_BODY = 64 * 1024;

  private final EngineServer server;
  private final Transport transport;
  /** A POST is being read or handled. Any thread: checked on the I/O thread, before the lane. */
  private final AtomicBoolean posting = new AtomicBoolean();
  /**
   * The {@code belay_seq} of the last POST whose packets were handed to the session, 0 before
   * any. Written on the lane (by the POST holding {@link #posting}); volatile so that a POST can
   * be sorted as new or repeated on the I/O thread.
   */
  private volatile long handledSeq;
  /** The {@code belay_seq} of the POST holding {@link #posting}, or -1. Any thread (volatile). */
  private volatile long postingSeq = -1;
  /**
   * The same numbered POST again, arrived while the first still holds {@link #posting} (the client
   * gave up on the first one's connection before the server saw it fail): it waits here, at most
   * one, and goes through {@link #accept} again when the first one lets go. Any thread.
   */
  private final AtomicReference<HttpExchange> parked = new AtomicReference<>();

  UpstreamPosts(EngineServer server, Transport transport) {
    this.server = server;
    this.transport = transport;
  }

  /** A POST arrived for the transport's session (any thread; usually the I/O thread). */
  void accept(HttpExchange exchange) {
    EngineSession session = transport.session();
    String seqParam = exchange.request().query(Resend.SEQ);
    long seq = seqParam == null ? -1 : Resend.parse(seqParam);
    if (seqParam != null && seq <= handledSeq) {
      if (seq < 1) {
        refuse(exchange, "a POST with " + Resend.SEQ + "=" + seqParam);
      } else {
        acknowledgeAgain(exchange);
      }
      return;
    }
    if (seqParam != null && seq != handledSeq + 1) {
      refuse(exchange, "a POST with " + Resend.SEQ + "=" + seqParam + " after " + handledSeq);
      return;
    }
    if (!posting.compareAndSet(false, true)) {
      if (seq > 0 && seq == postingSeq && parked.compareAndSet(null, exchange)) {
        // Parked until the first one lets go; if it already has, take it back and go again.
        if (!posting.get() && parked.compareAndSet(exchange, null)) accept(exchange);
        return;
      }
      server.respondError(exchange, EngineError.BAD_REQUEST);
      session.lane.execute(() ->
          session.onTransportClose(transport, CloseReason.TRANSPORT_ERROR, "a second POST while one was pending"));
      return;
    }
    postingSeq = seq;
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
          release();
          server.respondError(exchange, EngineError.BAD_REQUEST);
          session.lane.execute(() -> session.onParseError(transport, e.getMessage()));
          return;
        }
        session.lane.execute(() -> {
          if (!session.isOpen()) {
            release();
            server.respondError(exchange, EngineError.UNKNOWN_SID);
            return;
          }
          if (!session.carriesOrProbes(transport)) {
            // Accepted for an upgrade candidate that was abandoned while the body was on the way
            // (timeout, dropped stream, a bad packet): nothing in it is handled, and the client
            // is told so rather than answered "ok". The session is left alone.
            release();
            server.respondError(exchange, EngineError.BAD_REQUEST);
            return;
          }
          for (EnginePacket p : packets) session.onPacket(transport, p);
          if (seq > 0) handledSeq = seq;
          release();
          // Answered once the listeners have seen these messages (the listener lane is FIFO), as
          // the reference server does: what they send in reply is queued before the client reads
          // "ok" and polls again, and a slow listener slows its own client's uploads (backpressure).
          session.execute(() -> server.respond(exchange, 200, "text/html; charset=UTF-8", OK));
        });
      }

      @Override
      public void onTooLarge() {
        release();
        server.respondError(exchange, EngineError.PAYLOAD_TOO_LARGE);
        session.lane.execute(() -> session.onTransportClose(transport, CloseReason.TRANSPORT_ERROR,
            "a POST body over maxPayload (" + max + " bytes)"));
      }

      @Override
      public void onError(Throwable error) {
        release();
        // A numbered POST can be sent again: nothing of it was handled.
        if (seq > 0) return;
        session.lane.execute(() -> session.onTransportClose(transport, CloseReason.TRANSPORT_ERROR,
            "reading a POST failed: " + error));
      }
    });
  }

  /** The POST holding {@link #posting} is done with it; a parked repeat of it goes again. Any thread. */
  private void release() {
    postingSeq = -1;
    posting.set(false);
    HttpExchange again = parked.getAndSet(null);
    if (again != null) accept(again);
  }

  /** A malformed or out-of-order {@code belay_seq}: 400, and the session closes. Any thread. */
  private void refuse(HttpExchange exchange, String description) {
    EngineSession session = transport.session();
    server.respondError(exchange, EngineError.BAD_REQUEST);
    session.lane.execute(() -> session.onTransportClose(transport, CloseReason.TRANSPORT_ERROR, description));
  }

  /**
   * A POST whose number was handled already: its body is read and dropped, and it is answered
   * {@code ok} behind the listener work of the first one (the listener lane is FIFO), or as the
   * first one would be now if the session is gone. Any thread.
   */
  private void acknowledgeAgain(HttpExchange exchange) {
    EngineSession session = transport.session();
    exchange.readBody(server.options().maxPayload(), new HttpExchange.BodyListener() {
      @Override
      public void onBody(byte[] body) {
        session.lane.execute(() -> {
          if (!session.isOpen()) {
            server.respondError(exchange, EngineError.UNKNOWN_SID);
          } else {
            session.execute(() -> server.respond(exchange, 200, "text/html; charset=UTF-8", OK));
          }
        });
      }

      @Override
      public void onTooLarge() {
        server.respondError(exchange, EngineError.PAYLOAD_TOO_LARGE);
      }

      @Override
      public void onError(Throwable error) {}
    });
  }
}
