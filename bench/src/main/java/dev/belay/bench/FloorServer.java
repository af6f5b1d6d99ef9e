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
 * The floor: raw Undertow WebSocket with just enough Engine.IO/Socket.IO framing for the
 * generator (open packet, {@code 40} answer, {@code 42} events, {@code 43} acks, pings), and no
 * framework: no sessions, no buffering, no rooms beyond one set, work done on the IO thread.
 * Whatever Belay spends above this is the cost of being a framework.
 */
public final class FloorServer {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int PING_INTERVAL = 25_000;
  private static final int PING_TIMEOUT = 20_000;
  private final Set<WebSocketChannel> all = ConcurrentHashMap.newKeySet();
  private Undertow undertow;

  public static void main(String host, int port) throws Exception {
    Admin.start(host, port + 1);
    new FloorServer().start(host, port);
    System.out.println("floor-server listening on " + host + ":" + port);
  }

  /** Starts the server (port 0: any free port); returns the bound port. */
  public int start(String host, int port) {
    undertow = Undertow.builder()
        .addHttpListener(port, host)
        .setHandler(Handlers.path().addPrefixPath("/socket.io", Handlers.websocket((exchange, ch) -> {
          byte[] id = new byte[15];
          RANDOM.nextBytes(id);
          String sid = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
          WebSockets.sendText("0{\"sid\":\"" + sid + "\",\"upgrades\":[],\"pingInterval\":" + PING_INTERVAL
              + ",\"pingTimeout\":" + PING_TIMEOUT + ",\"maxPayload\":1000000}", ch, null);
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
        })))
        .build();
    undertow.start();
    return ((java.net.InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  public void stop() {
    undertow.stop();
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
      int i = 2;
      while (i < text.length() && Character.isDigit(text.charAt(i))) {
        i++;
      }
      String ackId = text.substring(2, i);
      String body = text.substring(i); // ["name",args...]
      if (body.startsWith("[\"echo\"")) {
        if (!ackId.isEmpty()) {
          String args = body.substring(7); // ,args...] or ]
          WebSockets.sendText("43" + ackId + "[" + (args.startsWith(",") ? args.substring(1) : args), ch, null);
        } else {
          WebSockets.sendText(text, ch, null);
        }
      } else if (body.startsWith("[\"broadcast\"")) {
        // Encoded once; every recipient gets a view of the same bytes.
        byte[] bytes = ("42[\"tick\"" + body.substring(12)).getBytes(StandardCharsets.UTF_8);
        ByteBuffer shared = ByteBuffer.wrap(bytes);
        for (WebSocketChannel c : all) {
          WebSockets.sendText(shared.duplicate(), c, null);
        }
      }
    } else if (text.startsWith("40")) {
      all.add(ch);
      WebSockets.sendText("40{\"sid\":\"" + sid + "\"}", ch, null);
    } else if (text.equals("41") || text.equals("1")) {
      all.remove(ch);
      WebSockets.sendClose(1000, "", ch, null);
    }
    // "3" pong: the floor does not police heartbeats.
  }
}
