package dev.belay.bench;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;

/**
 * The floor: raw Undertow with just enough Engine.IO/Socket.IO framing for the generator (open
 * packet, {@code 40} answer, {@code 42} events, {@code 43} acks, pings), and no framework: no
 * buffering beyond what a transport needs, no rooms beyond one set, work done on the I/O thread.
 * WebSocket here; long-polling and SSE in {@link FloorHttp}. Whatever Belay spends above this is
 * the cost of being a framework.
 *
 * <pre>
 * FloorServer floor = new FloorServer();
 * int port = floor.start("127.0.0.1", 0); // ws, polling and sse at /socket.io/
 * </pre>
 */
public final class FloorServer {
  private static final SecureRandom RANDOM = new SecureRandom();
  static final int PING_INTERVAL = 25_000;
  static final int PING_TIMEOUT = 20_000;
  private final Set<WebSocketChannel> all = ConcurrentHashMap.newKeySet();
  /** The HTTP clients in the room, beside the WebSocket ones in {@link #all}. */
  private final Set<Peer> httpPeers = ConcurrentHashMap.newKeySet();
  private Undertow undertow;
  private FloorHttp http;

  /** A client the floor can send an Engine.IO packet to, from any thread. */
  interface Peer {
    void send(String packet);
  }

  public static void main(String host, int port) throws Exception {
    Admin.start(host, port + 1);
    new FloorServer().start(host, port);
    System.out.println("floor-server listening on " + host + ":" + port);
  }

  /** Starts the server (port 0: any free port); returns the bound port. */
  public int start(String host, int port) {
    http = new FloorHttp(this);
    undertow = Undertow.builder()
        .addHttpListener(port, host)
        .setHandler(Handlers.path().addPrefixPath("/socket.io", Handlers.websocket((exchange, ch) -> {
          String sid = newSid();
          WebSockets.sendText(openPacket(sid), ch, null);
          schedulePing(ch);
          ch.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected void onFullTextMessage(WebSocketChannel c, BufferedTextMessage m) {
              FloorServer.this.onText(c, sid, m.getData());
            }

            @Override
            protected void onCloseMessage(io.undertow.websockets.core.CloseMessage cm, WebSocketChannel c) {
              all.remove(c);
            }
          });
          ch.addCloseTask(c -> all.remove(c));
          ch.resumeReceives();
        }, http)))
        .build();
    undertow.start();
    return ((java.net.InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  public void stop() {
    undertow.stop();
    http.stop();
  }

  static String newSid() {
    byte[] id = new byte[15];
    RANDOM.nextBytes(id);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
  }

  /** The Engine.IO open packet: no upgrades offered, the bench's heartbeat. */
  static String openPacket(String sid) {
    return "0{\"sid\":\"" + sid + "\",\"upgrades\":[],\"pingInterval\":" + PING_INTERVAL
        + ",\"pingTimeout\":" + PING_TIMEOUT + ",\"maxPayload\":1000000}";
  }

  /** The answer to a Socket.IO CONNECT to the main namespace. */
  static String connectAnswer(String sid) {
    return "40{\"sid\":\"" + sid + "\"}";
  }

  void join(Peer p) {
    httpPeers.add(p);
  }

  void leave(Peer p) {
    httpPeers.remove(p);
  }

  /**
   * A {@code 42} event from any client: {@code echo} is acked ({@code 43<id>[args]}) or emitted back
   * through {@code reply}; {@code broadcast} goes to the whole room as {@code tick}.
   */
  void onEvent(String text, Peer reply) {
    int i = 2;
    while (i < text.length() && Character.isDigit(text.charAt(i))) {
      i++;
    }
    String ackId = text.substring(2, i);
    String body = text.substring(i); // ["name",args...]
    if (body.startsWith("[\"echo\"")) {
      if (!ackId.isEmpty()) {
        String args = body.substring(7); // ,args...] or ]
        reply.send("43" + ackId + "[" + (args.startsWith(",") ? args.substring(1) : args));
      } else {
        reply.send(text);
      }
    } else if (body.startsWith("[\"broadcast\"")) {
      broadcast("42[\"tick\"" + body.substring(12));
    }
  }

  /** Encoded once; every WebSocket recipient gets a view of the same bytes. */
  private void broadcast(String tick) {
    ByteBuffer shared = ByteBuffer.wrap(tick.getBytes(StandardCharsets.UTF_8));
    for (WebSocketChannel c : all) {
      WebSockets.sendText(shared.duplicate(), c, null);
    }
    for (Peer p : httpPeers) {
      p.send(tick);
    }
  }

  /** Pings from the channel's own IO thread timer: no extra thread, no lock. */
  private void schedulePing(WebSocketChannel ch) {
    XnioExecutor exec = ch.getIoThread();
    exec.executeAfter(() -> {
      if (ch.isOpen()) {
        WebSockets.sendText("2", ch, null);
        schedulePing(ch);
      }
    }, PING_INTERVAL, TimeUnit.MILLISECONDS);
  }

  private void onText(WebSocketChannel ch, String sid, String text) {
    if (text.startsWith("42")) {
      onEvent(text, packet -> WebSockets.sendText(packet, ch, null));
    } else if (text.startsWith("40")) {
      all.add(ch);
      WebSockets.sendText(connectAnswer(sid), ch, null);
    } else if (text.equals("41") || text.equals("1")) {
      all.remove(ch);
      WebSockets.sendClose(1000, "", ch, null);
    }
    // "3" pong: the floor does not police heartbeats.
  }
}
