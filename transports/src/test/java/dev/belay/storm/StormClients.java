package dev.belay.storm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Thousands of raw Socket.IO clients on one selector thread: each joins namespace {@code /} over
 * WebSocket or long-polling, answers the server's pings, and leaves by dropping its TCP
 * connection. A few KB per client, where the JDK's WebSocket costs an HttpClient connection with
 * its own queues per socket: on two shared cores the test then measures the server, not the
 * client library.
 *
 * <pre>{@code
 * try (StormClients storm = new StormClients(new InetSocketAddress("127.0.0.1", port))) {
 *   storm.open(3000, 1000);
 *   // ... wait for storm.joined() == 4000
 *   storm.leaveAll();
 * }
 * }</pre>
 *
 * <p>Threading: connections and their fields belong to the selector thread; other threads see
 * only the atomic counters and hand work over with {@link #execute}.
 */
final class StormClients implements AutoCloseable {
  private static final String PATH = "/socket.io/?EIO=4&transport=";

  private final InetSocketAddress address;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  // Every client ever opened; selector thread only.
  private final List<Conn> conns = new ArrayList<>();
  private final AtomicInteger joined = new AtomicInteger();
  private final AtomicInteger pongs = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private volatile boolean stopped;

  StormClients(InetSocketAddress address) throws IOException {
    this.address = address;
    this.selector = Selector.open();
    this.thread = new Thread(this::loop, "storm clients");
    thread.setDaemon(true);
    thread.start();
  }

  /** Opens {@code websockets} WebSocket and {@code pollers} polling clients at once. */
  void open(int websockets, int pollers) {
    execute(() -> {
      for (int i = 0; i < websockets; i++) start(new WebSocketClient());
      for (int i = 0; i < pollers; i++) start(new PollingClient());
    });
  }

  /** Clients that received their namespace CONNECT answer. */
  int joined() {
    return joined.get();
  }

  /** Pongs sent in answer to the server's pings. */
  int pongs() {
    return pongs.get();
  }

  /** Clients whose connection failed or was closed by the server. */
  int failed() {
    return failed.get();
  }

  /** The first failure, for an assertion message. */
  String firstFailure() {
    return firstFailure.get();
  }

  /** Drops every client's TCP connection, as a crowd of closing tabs would. */
  void leaveAll() {
    execute(() -> {
      for (Conn c : conns) c.close();
    });
  }

  private void start(Conn conn) {
    conns.add(conn);
    try {
      conn.channel = SocketChannel.open();
      conn.channel.configureBlocking(false);
      conn.channel.connect(address);
      conn.key = conn.channel.register(selector, SelectionKey.OP_CONNECT, conn);
    } catch (IOException e) {
      conn.fail(e.toString());
    }
  }

  private void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private void loop() {
    while (!stopped) {
      try {
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) ((Conn) key.attachment()).ready(key);
        selector.selectedKeys().clear();
        Runnable task;
        while ((task = tasks.poll()) != null) task.run();
      } catch (IOException | RuntimeException e) {
        firstFailure.compareAndSet(null, "selector loop: " + e);
      }
    }
  }

  @Override
  public void close() throws IOException {
    leaveAll();
    stopped = true;
    selector.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Conn c : conns) c.close();
    selector.close();
  }

  /** One TCP connection; moves bytes, the subclass parses them. Selector thread only. */
  private abstract class Conn {
    SocketChannel channel;
    SelectionKey key;
    ByteBuffer in = ByteBuffer.allocate(1024);
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(2);
    boolean closed;

    final void ready(SelectionKey k) {
      try {
        if (!k.isValid()) return;
        if (k.isConnectable()) {
          channel.finishConnect();
          k.interestOps(SelectionKey.OP_READ);
          onConnected();
          return;
        }
        if (k.isWritable()) flush();
        if (k.isValid() && k.isReadable()) read();
      } catch (IOException | RuntimeException e) {
        fail(e.toString());
      }
    }

    private void read() throws IOException {
      while (!closed) {
        if (!in.hasRemaining()) {
          ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
          in.flip();
          in = bigger.put(in);
        }
        int n = channel.read(in);
        if (n < 0) {
          fail("closed by the server");
          return;
        }
        if (n == 0) return;
        in.flip();
        onData(in);
        in.compact();
      }
    }

    void write(String ascii) {
      write(ByteBuffer.wrap(ascii.getBytes(StandardCharsets.UTF_8)));
    }

    void write(ByteBuffer buf) {
      if (closed) return;
      out.add(buf);
      if (out.size() == 1) {
        try {
          flush();
        } catch (IOException e) {
          fail(e.toString());
        }
      }
    }

    private void flush() throws IOException {
      ByteBuffer head;
      while ((head = out.peek()) != null) {
        channel.write(head);
        if (head.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
          return;
        }
        out.poll();
      }
      if (key.isValid()) key.interestOps(SelectionKey.OP_READ);
    }

    void close() {
      if (closed) return;
      closed = true;
      if (key != null) key.cancel();
      try {
        if (channel != null) channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }

    void fail(String why) {
      if (closed) return;
      close();
      failed.incrementAndGet();
      firstFailure.compareAndSet(null, getClass().getSimpleName() + ": " + why);
    }

    /** An Engine.IO packet arrived: join on open, count the join, answer pings. */
    void onPacket(String packet) {
      if (packet.startsWith("0{")) {
        send("40");
      } else if (packet.startsWith("40{\"sid\"")) {
        joined.incrementAndGet();
      } else if (packet.equals("2")) {
        send("3");
        pongs.incrementAndGet();
      } else if (packet.startsWith("1") || packet.startsWith("44")) {
        fail("server sent " + packet);
      }
    }

    abstract void onConnected();

    abstract void onData(ByteBuffer buf);

    abstract void send(String packet);
  }

  /** An RFC 6455 client: the upgrade request, then masked frames out and plain frames in. */
  private final class WebSocketClient extends Conn {
    private boolean upgraded;

    @Override
    void onConnected() {
      byte[] nonce = new byte[16];
      ThreadLocalRandom.current().nextBytes(nonce);
      write("GET " + PATH + "websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
          + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
          + Base64.getEncoder().encodeToString(nonce) + "\r\n\r\n");
    }

    @Override
    void onData(ByteBuffer b) {
      if (!upgraded) {
        int end = headEnd(b);
        if (end < 0) return;
        String head = ascii(b, b.position(), end);
        b.position(end + 4);
        if (!head.startsWith("HTTP/1.1 101")) {
          fail("upgrade refused: " + head.lines().findFirst().orElse(""));
          return;
        }
        upgraded = true;
      }
      while (!closed && b.remaining() >= 2) {
        int start = b.position();
        int opcode = b.get(start) & 0x0f;
        int length = b.get(start + 1) & 0x7f;
        int headLength = 2;
        if (length == 126) {
          if (b.remaining() < 4) return;
          length = b.getShort(start + 2) & 0xffff;
          headLength = 4;
        } else if (length == 127) {
          fail("a frame over 64 KB");
          return;
        }
        if (b.remaining() < headLength + length) return;
        String text = new String(b.array(), b.arrayOffset() + start + headLength, length, StandardCharsets.UTF_8);
        b.position(start + headLength + length);
        if (opcode == 0x1) onPacket(text);
        else if (opcode == 0x8) fail("close frame from the server");
      }
    }

    @Override
    void send(String packet) {
      byte[] payload = packet.getBytes(StandardCharsets.UTF_8); // short: under 126 bytes
      ByteBuffer frame = ByteBuffer.allocate(6 + payload.length);
      frame.put((byte) 0x81).put((byte) (0x80 | payload.length)).putInt(0); // a zero mask is a valid mask
      frame.put(payload).flip();
      write(frame);
    }
  }

  /**
   * A long-polling client on one keep-alive connection: handshake GET, POST "40", then a GET held
   * by the server at all times except while a pong is being posted.
   */
  private final class PollingClient extends Conn {
    private String sid;
    private final ArrayDeque<String> toPost = new ArrayDeque<>(2);
    private boolean posting;

    @Override
    void onConnected() {
      write("GET " + PATH + "polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    }

    @Override
    void onData(ByteBuffer b) {
      while (!closed) {
        int end = headEnd(b);
        if (end < 0) return;
        String head = ascii(b, b.position(), end);
        int length = contentLength(head);
        if (length < 0) {
          fail("no Content-Length in " + head.lines().findFirst().orElse(""));
          return;
        }
        if (b.limit() - (end + 4) < length) return;
        String body = new String(b.array(), b.arrayOffset() + end + 4, length, StandardCharsets.UTF_8);
        b.position(end + 4 + length);
        if (!head.startsWith("HTTP/1.1 200")) {
          fail(head.lines().findFirst().orElse("") + " " + body);
          return;
        }
        onResponse(body);
      }
    }

    private void onResponse(String body) {
      if (posting) {
        posting = false; // "ok"
      } else {
        for (String packet : body.split("\u001e")) {
          if (sid == null && packet.startsWith("0{")) sid = packet.substring(9, packet.indexOf('"', 9));
          onPacket(packet);
        }
      }
      if (closed) return;
      if (!toPost.isEmpty()) {
        String payload = String.join("\u001e", toPost);
        toPost.clear();
        posting = true;
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        write("POST " + PATH + "polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: " + bytes.length + "\r\n\r\n" + payload);
      } else {
        write("GET " + PATH + "polling&sid=" + sid + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      }
    }

    @Override
    void send(String packet) {
      toPost.add(packet); // posted once the current response is read, before the next poll
    }
  }

  private static int headEnd(ByteBuffer b) {
    for (int i = b.position(); i + 3 < b.limit(); i++) {
      if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') return i;
    }
    return -1;
  }

  private static String ascii(ByteBuffer b, int from, int to) {
    return new String(b.array(), b.arrayOffset() + from, to - from, StandardCharsets.ISO_8859_1);
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        return Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return -1;
  }
}
