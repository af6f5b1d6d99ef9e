package dev.belay.bench.load;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The client side of the three transports, each as cheap as it can be per connection. */
abstract class ClientTransport {
  static final char SEP = '\u001e';
  final Client client;
  final InetSocketAddress address;
  final String path;

  ClientTransport(Client client, InetSocketAddress address, String path) {
    this.client = client;
    this.address = address;
    this.path = path;
  }

  abstract void open();

  /** The handshake arrived (sid known). */
  void onOpen() { }

  abstract void send(String packet);

  abstract void close();

  /** WebSocket from the start, as Socket.IO clients with {@code transports: ["websocket"]}. */
  static final class Ws extends ClientTransport implements WsConn.Handler {
    private final WsConn conn;

    Ws(Client client, InetSocketAddress address, String path) {
      super(client, address, path);
      conn = new WsConn(client.loop, address, path + "?EIO=4&transport=websocket", this);
    }

    @Override
    void open() {
      conn.start();
    }

    @Override
    public void onOpen() { }

    @Override
    public void onText(String text) {
      client.onPacket(text);
    }

    @Override
    public void onClosed(Exception cause) {
      client.failed(cause != null ? cause : new IllegalStateException("socket closed"));
    }

    @Override
    void send(String packet) {
      conn.sendText(packet);
    }

    @Override
    void close() {
      if (conn.open) {
        conn.sendClose();
      }
      conn.close();
    }
  }

  /**
   * Upstream over POST on its own keep-alive connection, batching what was queued while a POST
   * was in flight, as engine.io-client does.
   */
  abstract static class HttpUp extends ClientTransport implements HttpConn.Handler {
    final HttpConn post;
    private final StringBuilder pending = new StringBuilder();
    private boolean closing;
    private final String name;

    HttpUp(Client client, InetSocketAddress address, String path, String name) {
      super(client, address, path);
      this.name = name;
      post = new HttpConn(client.loop, address);
    }

    String query() {
      return path + "?EIO=4&transport=" + name + (client.sid != null ? "&sid=" + client.sid : "");
    }

    @Override
    void send(String packet) {
      if (pending.length() > 0) {
        pending.append(SEP);
      }
      pending.append(packet);
      if (!post.busy() && client.sid != null) {
        flush();
      }
    }

    @Override
    void onOpen() {
      if (pending.length() > 0 && !post.busy()) {
        flush();
      }
    }

    private void flush() {
      byte[] body = pending.toString().getBytes(StandardCharsets.UTF_8);
      pending.setLength(0);
      post.request("POST", query(), body, this);
    }

    // POST answers: "ok"
    @Override
    public void onHead(int status) {
      if (status != 200) {
        client.failed(new IllegalStateException("POST status " + status));
      }
    }

    @Override
    public void onBody(ByteBuffer chunk) { }

    @Override
    public void onEnd() {
      if (pending.length() > 0) {
        flush();
      } else if (closing) {
        shut();
      }
    }

    @Override
    public void onError(Exception cause) {
      if (!closing) {
        client.failed(cause);
      }
    }

    @Override
    void close() {
      closing = true;
      if (!post.busy()) {
        if (pending.length() > 0 && client.sid != null) {
          flush();
        } else {
          shut();
        }
      }
      // Bounded: whatever the server does with the goodbye POST, the sockets go in 2 s.
      client.loop.schedule(2_000_000_000L, this::shut);
    }

    void shut() {
      post.close();
      closeDown();
    }

    abstract void closeDown();
  }

  /** Long-polling: one GET held at a time on its own keep-alive connection. */
  static final class Polling extends HttpUp {
    private final HttpConn get;
    /** The handshake's own connection when it goes elsewhere ({@link Client#handshakeAddress}); else null. */
    private HttpConn handshake;
    private final GetHandler getHandler = new GetHandler();

    Polling(Client client, InetSocketAddress address, String path) {
      super(client, address, path, "polling");
      get = new HttpConn(client.loop, address);
    }

    @Override
    void open() {
      if (client.handshakeAddress != null) {
        handshake = new HttpConn(client.loop, client.handshakeAddress);
        handshake.request("GET", query(), null, getHandler);
      } else {
        get.request("GET", query(), null, getHandler);
      }
    }

    @Override
    void closeDown() {
      get.close();
      if (handshake != null) handshake.close();
    }

    private final class GetHandler implements HttpConn.Handler {
      private final ByteArrayOutputStream body = new ByteArrayOutputStream(64);

      @Override
      public void onHead(int status) {
        if (status != 200) {
          client.failed(new IllegalStateException("GET status " + status));
        }
      }

      @Override
      public void onBody(ByteBuffer chunk) {
        if (chunk.hasArray()) {
          body.write(chunk.array(), chunk.arrayOffset() + chunk.position(), chunk.remaining());
          chunk.position(chunk.limit());
        } else {
          while (chunk.hasRemaining()) {
            body.write(chunk.get());
          }
        }
      }

      @Override
      public void onEnd() {
        String payload = body.toString(StandardCharsets.UTF_8);
        body.reset();
        int from = 0;
        while (from <= payload.length() && !client.closed) {
          int to = payload.indexOf(SEP, from);
          if (to < 0) {
            to = payload.length();
          }
          client.onPacket(payload.substring(from, to));
          from = to + 1;
        }
        if (!client.closed) {
          get.request("GET", query(), null, this);
        }
      }

      @Override
      public void onError(Exception cause) {
        client.failed(cause);
      }
    }
  }

  /** Belay's SSE extension: one streamed GET down, POST up. */
  static final class Sse extends HttpUp implements HttpConn.Handler {
    private final HttpConn get;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    private final StringBuilder data = new StringBuilder();
    private String event = "";
    private final HttpConn.Handler streamHandler = new HttpConn.Handler() {
      @Override
      public void onHead(int status) {
        if (status != 200) {
          client.failed(new IllegalStateException("SSE status " + status));
        }
      }

      @Override
      public void onBody(ByteBuffer chunk) {
        while (chunk.hasRemaining()) {
          byte b = chunk.get();
          if (b == '\n') {
            byte[] bytes = line.toByteArray();
            line.reset();
            int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            onLine(new String(bytes, 0, len, StandardCharsets.UTF_8));
          } else {
            line.write(b);
          }
        }
      }

      @Override
      public void onEnd() {
        client.failed(new IllegalStateException("SSE stream ended"));
      }

      @Override
      public void onError(Exception cause) {
        client.failed(cause);
      }
    };

    Sse(Client client, InetSocketAddress address, String path) {
      super(client, address, path, "sse");
      get = new HttpConn(client.loop, address);
    }

    @Override
    void open() {
      get.request("GET", query(), null, streamHandler);
    }

    private void onLine(String l) {
      if (l.isEmpty()) {
        if (data.length() > 0 || !event.isEmpty()) {
          String packet = data.toString();
          if (event.equals("t64")) {
            packet = new String(Base64.getDecoder().decode(packet), StandardCharsets.UTF_8);
          }
          data.setLength(0);
          event = "";
          client.onPacket(packet);
        }
      } else if (l.startsWith("data:")) {
        if (data.length() > 0) {
          data.append('\n');
        }
        data.append(l, l.startsWith("data: ") ? 6 : 5, l.length());
      } else if (l.startsWith("event:")) {
        event = l.substring(6).trim();
      }
      // ':' comments (padding) and other fields: ignored, as EventSource does.
    }

    @Override
    void closeDown() {
      get.close();
    }
  }
}
