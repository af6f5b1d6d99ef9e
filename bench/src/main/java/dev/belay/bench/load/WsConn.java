package dev.belay.bench.load;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal RFC 6455 client: upgrade request, then frames. It costs a 2 KB buffer and a few
 * fields per connection, where the JDK's java.net.http WebSocket costs an HttpClient-managed
 * connection with its own queues and futures per message; this one lets one process hold
 * 10,000+ sockets and spend its CPU on the servers' answers, not on its own bookkeeping.
 */
final class WsConn extends Conn {
  interface Handler {
    void onOpen();

    void onText(String text);

    void onClosed(Exception cause);
  }

  private final InetSocketAddress address;
  private final String pathAndQuery;
  private final Handler handler;
  private boolean upgraded;
  private final int mask = ThreadLocalRandom.current().nextInt();
  /** Pieces of a fragmented message, rare: allocated only when one arrives. */
  private ByteArrayOutputStream fragments;
  private int fragmentOpcode;

  WsConn(NioLoop loop, InetSocketAddress address, String pathAndQuery, Handler handler) {
    super(loop);
    this.address = address;
    this.pathAndQuery = pathAndQuery;
    this.handler = handler;
  }

  void start() {
    connect(address);
  }

  @Override
  void onConnected() {
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    String req = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
        + java.util.Base64.getEncoder().encodeToString(key) + "\r\n\r\n";
    write(ByteBuffer.wrap(req.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Override
  void onData(ByteBuffer b) {
    if (!upgraded) {
      int end = -1;
      for (int i = b.position(); i + 3 < b.limit(); i++) {
        if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
          end = i;
          break;
        }
      }
      if (end < 0) {
        return;
      }
      String head = HttpConn.ascii(b, b.position(), end);
      b.position(end + 4);
      if (!head.startsWith("HTTP/1.1 101")) {
        close();
        handler.onClosed(new IllegalStateException("upgrade refused: " + head.lines().findFirst().orElse("")));
        return;
      }
      upgraded = true;
      handler.onOpen();
    }
    while (!isClosed() && b.remaining() >= 2) {
      int start = b.position();
      int b0 = b.get(start) & 0xff;
      int b1 = b.get(start + 1) & 0xff;
      boolean masked = (b1 & 0x80) != 0;
      long len = b1 & 0x7f;
      int headLen = 2;
      if (len == 126) {
        if (b.remaining() < 4) {
          return;
        }
        len = b.getShort(start + 2) & 0xffff;
        headLen = 4;
      } else if (len == 127) {
        if (b.remaining() < 10) {
          return;
        }
        len = b.getLong(start + 2);
        headLen = 10;
      }
      int maskLen = masked ? 4 : 0;
      if (b.remaining() < headLen + maskLen + len) {
        return;
      }
      byte[] payload = new byte[(int) len];
      b.position(start + headLen + maskLen);
      b.get(payload);
      if (masked) {
        for (int i = 0; i < payload.length; i++) {
          payload[i] ^= b.get(start + headLen + (i & 3));
        }
      }
      frame(b0 & 0x80, b0 & 0x0f, payload);
    }
  }

  private void frame(int fin, int opcode, byte[] payload) {
    switch (opcode) {
      case 0x0 -> {
        if (fragments == null) {
          return;
        }
        fragments.write(payload, 0, payload.length);
        if (fin != 0) {
          byte[] whole = fragments.toByteArray();
          fragments = null;
          if (fragmentOpcode == 0x1) {
            handler.onText(new String(whole, StandardCharsets.UTF_8));
          }
        }
      }
      case 0x1, 0x2 -> {
        if (fin == 0) {
          fragments = new ByteArrayOutputStream();
          fragments.write(payload, 0, payload.length);
          fragmentOpcode = opcode;
        } else if (opcode == 0x1) {
          handler.onText(new String(payload, StandardCharsets.UTF_8));
        }
        // Binary messages: the bench contract sends none.
      }
      case 0x8 -> {
        sendFrame(0x8, new byte[0]);
        close();
        handler.onClosed(null);
      }
      case 0x9 -> sendFrame(0xA, payload);
      default -> { }
    }
  }

  void sendText(String text) {
    sendFrame(0x1, text.getBytes(StandardCharsets.UTF_8));
  }

  void sendClose() {
    sendFrame(0x8, new byte[] {0x03, (byte) 0xe8});
  }

  private void sendFrame(int opcode, byte[] payload) {
    int len = payload.length;
    int headLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
    ByteBuffer f = ByteBuffer.allocate(headLen + 4 + len);
    f.put((byte) (0x80 | opcode));
    if (len < 126) {
      f.put((byte) (0x80 | len));
    } else if (len < 65536) {
      f.put((byte) (0x80 | 126)).putShort((short) len);
    } else {
      f.put((byte) (0x80 | 127)).putLong(len);
    }
    f.putInt(mask);
    byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    for (int i = 0; i < len; i++) {
      f.put((byte) (payload[i] ^ m[i & 3]));
    }
    f.flip();
    write(f);
  }

  @Override
  void onClosed(Exception cause) {
    handler.onClosed(cause);
  }
}
