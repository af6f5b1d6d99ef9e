package dev.belay.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of a server that forwards plain HTTP but blackholes WebSocket: it answers
 * an upgrade request with a valid {@code 101 Switching Protocols} itself and then never sends or
 * forwards a byte, like a proxy that accepts WebSocket and silently drops it.
 *
 * <pre>{@code
 * try (BlackholeProxy proxy = BlackholeProxy.start(serverPort)) {
 *   browser.open("http://127.0.0.1:" + proxy.port() + "/");
 * }
 * }</pre>
 */
public final class BlackholeProxy implements AutoCloseable {
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final ServerSocket server;
  private final int target;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile int blackholed;

  private BlackholeProxy(ServerSocket server, int target) {
    this.server = server;
    this.target = target;
  }

  public static BlackholeProxy start(int targetPort) {
    try {
      ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      BlackholeProxy proxy = new BlackholeProxy(s, targetPort);
      Thread t = new Thread(proxy::acceptLoop, "blackhole-proxy");
      t.setDaemon(true);
      t.start();
      return proxy;
    } catch (IOException e) {
      throw new AssertionError("cannot start the proxy", e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** How many WebSocket upgrades were swallowed so far. */
  public int blackholed() {
    return blackholed;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        Thread t = new Thread(() -> handle(client), "blackhole-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try {
      InputStream in = client.getInputStream();
      byte[] head = readHead(in);
      if (head == null) {
        client.close();
        return;
      }
      String text = new String(head, StandardCharsets.ISO_8859_1);
      String key = header(text, "sec-websocket-key");
      if (key != null && text.toLowerCase(Locale.ROOT).contains("upgrade: websocket")) {
        String accept = Base64.getEncoder().encodeToString(
            MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.ISO_8859_1)));
        client.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        client.getOutputStream().flush();
        blackholed++;
        in.transferTo(OutputStream.nullOutputStream()); // swallow whatever the browser sends
        return;
      }
      Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
      open.add(upstream);
      upstream.getOutputStream().write(head);
      upstream.getOutputStream().flush();
      Thread back = new Thread(() -> pipe(upstream, client), "blackhole-proxy-back");
      back.setDaemon(true);
      back.start();
      pipe(client, upstream);
    } catch (Exception e) {
      closeQuietly(client);
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[16384];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // one side went away
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) ? state + 1 : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) return head.toByteArray();
      if (head.size() > 65536) return null;
    }
    return null;
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int i = line.indexOf(':');
      if (i > 0 && line.substring(0, i).trim().equalsIgnoreCase(name)) return line.substring(i + 1).trim();
    }
    return null;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    open.forEach(BlackholeProxy::closeQuietly);
  }
}
