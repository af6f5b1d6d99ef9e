package dev.belay.bench;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

/**
 * The floor's long-polling and SSE half: raw Undertow HTTP handlers with no framework. A
 * long-polling session is a queue and at most one parked GET, answered when a packet arrives; an
 * SSE session is one {@code text/event-stream} response written on its I/O thread; POSTs carry
 * packets up and are answered {@code ok}. The Socket.IO framing is {@link FloorServer}'s. Every
 * write to an exchange happens on that exchange's I/O thread, hopping there when a packet comes
 * in on another connection's thread, which is the one hand-off any HTTP server pays here.
 *
 * <pre>
 * GET  /socket.io/?EIO=4&amp;transport=polling          → 0{"sid":…}       (the handshake)
 * POST /socket.io/?EIO=4&amp;transport=polling&amp;sid=S    40␞42[…]          → ok
 * GET  /socket.io/?EIO=4&amp;transport=polling&amp;sid=S    (parked)          → 40{…}␞43…
 * GET  /socket.io/?EIO=4&amp;transport=sse               → data: 0{"sid":…}\n\n, then one event per packet
 * </pre>
 */
final class FloorHttp implements HttpHandler {
  private static final char SEP = '\u001e';
  private final FloorServer floor;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  /** Pings every HTTP session and drops polling sessions whose client stopped asking. */
  private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "floor-http-ping");
    t.setDaemon(true);
    return t;
  });

  FloorHttp(FloorServer floor) {
    this.floor = floor;
    long every = FloorServer.PING_INTERVAL;
    pinger.scheduleAtFixedRate(this::ping, every, every, TimeUnit.MILLISECONDS);
  }

  void stop() {
    pinger.shutdownNow();
  }

  @Override
  public void handleRequest(HttpServerExchange ex) {
    String transport = param(ex, "transport");
    String sid = param(ex, "sid");
    boolean get = ex.getRequestMethod().equals(Methods.GET);
    if (sid == null) {
      if (get && "polling".equals(transport)) {
        Session s = new Poll(FloorServer.newSid());
        sessions.put(s.sid, s);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
        ex.getResponseSender().send(FloorServer.openPacket(s.sid));
      } else if (get && "sse".equals(transport)) {
        ex.dispatch(SameThreadExecutor.INSTANCE, () -> openStream(ex));
      } else {
        badRequest(ex, 3, "Bad request");
      }
      return;
    }
    Session s = sessions.get(sid);
    if (s == null) {
      badRequest(ex, 1, "Session ID unknown");
    } else if (!get) {
      s.lastSeen = System.nanoTime();
      ex.getRequestReceiver().receiveFullString((e, body) -> {
        onPayload(s, body);
        e.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
        e.getResponseSender().send("ok");
      }, StandardCharsets.UTF_8);
    } else if (s instanceof Poll p) {
      p.lastSeen = System.nanoTime();
      ex.dispatch(SameThreadExecutor.INSTANCE, () -> p.park(ex));
    } else {
      badRequest(ex, 3, "Bad request");
    }
  }

  /** The packets of one POST body, {@code ␞}-separated. */
  private void onPayload(Session s, String body) {
    int from = 0;
    while (from <= body.length()) {
      int to = body.indexOf(SEP, from);
      if (to < 0) {
        to = body.length();
      }
      String packet = body.substring(from, to);
      if (packet.equals("1")) {
        close(s);
      } else if (packet.equals("41")) {
        floor.leave(s);
      } else if (packet.equals("40")) {
        floor.join(s);
        s.send(FloorServer.connectAnswer(s.sid));
      } else if (packet.startsWith("42")) {
        floor.onEvent(packet, s::send);
      }
      // "3" pong: the floor does not police heartbeats.
      from = to + 1;
    }
  }

  private void close(Session s) {
    sessions.remove(s.sid);
    floor.leave(s);
    s.end();
  }

  private void openStream(HttpServerExchange ex) {
    Sse s = new Sse(FloorServer.newSid(), ex);
    sessions.put(s.sid, s);
    ex.getConnection().addCloseListener(c -> {
      sessions.remove(s.sid);
      floor.leave(s);
    });
    ex.setStatusCode(200);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/event-stream");
    ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    s.channel = ex.getResponseChannel();
    s.write(FloorServer.openPacket(s.sid));
  }

  private void ping() {
    long stale = System.nanoTime()
        - TimeUnit.MILLISECONDS.toNanos(FloorServer.PING_INTERVAL + FloorServer.PING_TIMEOUT);
    for (Session s : sessions.values()) {
      if (s instanceof Poll && s.lastSeen - stale < 0) {
        close(s); // its client is gone without saying so
      } else {
        s.send("2");
      }
    }
  }

  private static String param(HttpServerExchange ex, String name) {
    Deque<String> values = ex.getQueryParameters().get(name);
    return values == null ? null : values.peekFirst();
  }

  private static void badRequest(HttpServerExchange ex, int code, String message) {
    ex.setStatusCode(400);
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    ex.getResponseSender().send("{\"code\":" + code + ",\"message\":\"" + message + "\"}");
  }

  /** Runs {@code task} on {@code thread}: now when already there, else queued to it. */
  private static void on(XnioIoThread thread, Runnable task) {
    if (Thread.currentThread() == thread) {
      task.run();
    } else {
      thread.execute(task);
    }
  }

  /** One HTTP client of the floor; {@link #send} may be called from any thread. */
  abstract static class Session implements FloorServer.Peer {
    final String sid;
    volatile long lastSeen = System.nanoTime();

    Session(String sid) {
      this.sid = sid;
    }

    /** Ends the session's downstream; any thread. */
    abstract void end();
  }

  /** Long-polling: packets wait in a queue until a GET is parked, or a parked GET takes them now. */
  private static final class Poll extends Session {
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private HttpServerExchange parked;
    private boolean ended;

    Poll(String sid) {
      super(sid);
    }

    @Override
    public void send(String packet) {
      HttpServerExchange ex;
      synchronized (this) {
        if (ended) {
          return;
        }
        if (parked == null) {
          queue.add(packet);
          return;
        }
        ex = parked;
        parked = null;
      }
      answer(ex, packet);
    }

    /** On {@code ex}'s I/O thread, after its handler returned (dispatched). */
    void park(HttpServerExchange ex) {
      String payload;
      synchronized (this) {
        if (ended) {
          payload = "6";
        } else if (queue.isEmpty()) {
          HttpServerExchange old = parked;
          parked = ex;
          if (old == null) {
            return;
          }
          payload = "6"; // a second GET releases the first, as Engine.IO servers do
          ex = old;
        } else {
          StringBuilder sb = new StringBuilder();
          for (String p : queue) {
            sb.append(sb.length() > 0 ? String.valueOf(SEP) : "").append(p);
          }
          queue.clear();
          payload = sb.toString();
        }
      }
      answer(ex, payload);
    }

    @Override
    void end() {
      HttpServerExchange ex;
      synchronized (this) {
        ended = true;
        queue.clear();
        ex = parked;
        parked = null;
      }
      if (ex != null) {
        answer(ex, "6");
      }
    }

    private static void answer(HttpServerExchange ex, String payload) {
      on(ex.getIoThread(), () -> {
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=UTF-8");
        ex.getResponseSender().send(payload);
      });
    }
  }

  /**
   * SSE: one {@code data:} event per packet on the stream's channel, on its I/O thread; what the
   * socket does not take at once waits in a backlog drained by the channel's write listener.
   */
  private static final class Sse extends Session {
    private final HttpServerExchange exchange;
    /** I/O thread only, like everything below. */
    StreamSinkChannel channel;
    private ArrayDeque<ByteBuffer> backlog;

    Sse(String sid, HttpServerExchange exchange) {
      super(sid);
      this.exchange = exchange;
    }

    @Override
    public void send(String packet) {
      on(exchange.getIoThread(), () -> write(packet));
    }

    void write(String packet) {
      if (channel == null || !channel.isOpen()) {
        return;
      }
      ByteBuffer b = ByteBuffer.wrap(("data: " + packet + "\n\n").getBytes(StandardCharsets.UTF_8));
      if (backlog != null) {
        backlog.add(b);
        return;
      }
      try {
        channel.write(b);
        if (b.hasRemaining() || !channel.flush()) {
          backlog = new ArrayDeque<>();
          if (b.hasRemaining()) {
            backlog.add(b);
          }
          channel.getWriteSetter().set(c -> drain());
          channel.resumeWrites();
        }
      } catch (IOException e) {
        IoUtils.safeClose(exchange.getConnection());
      }
    }

    private void drain() {
      try {
        while (!backlog.isEmpty()) {
          ByteBuffer head = backlog.peek();
          channel.write(head);
          if (head.hasRemaining()) {
            return;
          }
          backlog.poll();
        }
        if (channel.flush()) {
          channel.suspendWrites();
          backlog = null;
        }
      } catch (IOException e) {
        IoUtils.safeClose(exchange.getConnection());
      }
    }

    @Override
    void end() {
      on(exchange.getIoThread(), () -> IoUtils.safeClose(exchange.getConnection()));
    }
  }
}
