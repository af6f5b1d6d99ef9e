package dev.belay.bench.load;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A keep-alive HTTP/1.1 client connection that carries one request at a time, as a browser's
 * connection does for long-polling. The body is handed over as it arrives (SSE streams) and the
 * connection is reused after a complete response unless the server said {@code Connection:
 * close}, in which case the next request reconnects (and that reconnect is part of what the
 * peer costs).
 */
final class HttpConn extends Conn {
  /** What the owner hears about a response. */
  interface Handler {
    void onHead(int status);

    void onBody(ByteBuffer chunk);

    void onEnd();

    void onError(Exception cause);
  }

  private enum State { HEAD, LENGTH, CHUNK_SIZE, CHUNK_DATA, CHUNK_CRLF, UNTIL_CLOSE, IDLE }

  private final InetSocketAddress address;
  private Handler handler;
  private byte[] pendingRequest;
  private State state = State.IDLE;
  private long remaining;
  private boolean keepAlive;
  private boolean busy;
  /** The request in flight, kept to resend once if a reused connection was closed under it. */
  private byte[] lastRequest;
  private boolean reused;
  private boolean headBytesSeen;
  /** Responses served on this connection: tells a reconnect per request from keep-alive. */
  int reconnects;

  HttpConn(NioLoop loop, InetSocketAddress address) {
    super(loop);
    this.address = address;
  }

  boolean busy() {
    return busy;
  }

  void request(String method, String pathAndQuery, byte[] body, Handler h) {
    StringBuilder sb = new StringBuilder(160);
    sb.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    if (body != null) {
      sb.append("Content-Type: text/plain;charset=UTF-8\r\nContent-Length: ").append(body.length).append("\r\n");
    }
    sb.append("\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] req = head;
    if (body != null) {
      req = new byte[head.length + body.length];
      System.arraycopy(head, 0, req, 0, head.length);
      System.arraycopy(body, 0, req, head.length, body.length);
    }
    if (Client.TRACE) {
      System.err.println(System.nanoTime() / 1000 + " http " + System.identityHashCode(this) + " " + method + " "
          + pathAndQuery + (open && !isClosed() ? " (reused)" : " (new)") + (body != null ? " " + new String(body, StandardCharsets.UTF_8) : ""));
    }
    this.handler = h;
    this.busy = true;
    this.state = State.HEAD;
    this.lastRequest = req;
    this.headBytesSeen = false;
    if (open && !isClosed()) {
      reused = true;
      write(ByteBuffer.wrap(req));
    } else {
      reconnect(req);
    }
  }

  private void reconnect(byte[] req) {
    pendingRequest = req;
    reused = false;
    reconnects++;
    connect(address);
  }

  @Override
  void onConnected() {
    byte[] req = pendingRequest;
    pendingRequest = null;
    if (req != null) {
      write(ByteBuffer.wrap(req));
    }
  }

  @Override
  void onData(ByteBuffer buf) {
    headBytesSeen |= buf.hasRemaining();
    while (buf.hasRemaining() && busy) {
      switch (state) {
        case HEAD -> {
          int end = findHeadEnd(buf);
          if (end < 0) {
            return;
          }
          parseHead(buf, end);
        }
        case LENGTH -> {
          int n = (int) Math.min(remaining, buf.remaining());
          deliver(buf, n);
          remaining -= n;
          if (remaining == 0) {
            end();
          }
        }
        case CHUNK_SIZE -> {
          int lineEnd = findCrlf(buf);
          if (lineEnd < 0) {
            return;
          }
          String line = ascii(buf, buf.position(), lineEnd).trim();
          buf.position(lineEnd + 2);
          int semi = line.indexOf(';');
          remaining = Long.parseLong(semi >= 0 ? line.substring(0, semi) : line, 16);
          state = remaining == 0 ? State.CHUNK_CRLF : State.CHUNK_DATA;
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, buf.remaining());
          deliver(buf, n);
          remaining -= n;
          if (remaining == 0) {
            state = State.CHUNK_CRLF;
            remaining = -1; // marks "after data", as opposed to the zero-size last chunk
          }
        }
        case CHUNK_CRLF -> {
          if (buf.remaining() < 2) {
            return;
          }
          buf.position(buf.position() + 2);
          if (remaining == 0) {
            end(); // last chunk (trailers unsupported: none of the servers sends them)
          } else {
            state = State.CHUNK_SIZE;
          }
        }
        case UNTIL_CLOSE -> deliver(buf, buf.remaining());
        case IDLE -> buf.position(buf.limit()); // unsolicited bytes: ignore
      }
    }
  }

  private void deliver(ByteBuffer buf, int n) {
    ByteBuffer slice = buf.slice();
    slice.limit(n);
    buf.position(buf.position() + n);
    handler.onBody(slice);
  }

  private void parseHead(ByteBuffer buf, int end) {
    String head = ascii(buf, buf.position(), end);
    buf.position(end + 4);
    int sp = head.indexOf(' ');
    int status = Integer.parseInt(head.substring(sp + 1, sp + 4));
    long length = -1;
    boolean chunked = false;
    keepAlive = true;
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim().toLowerCase();
      String value = line.substring(colon + 1).trim().toLowerCase();
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.contains("chunked");
        case "connection" -> keepAlive = !value.contains("close");
        default -> { }
      }
    }
    if (Client.TRACE) {
      System.err.println(System.nanoTime() / 1000 + " http " + System.identityHashCode(this) + " status " + status
          + " length " + length + (chunked ? " chunked" : "") + (keepAlive ? "" : " close"));
    }
    handler.onHead(status);
    if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (length >= 0) {
      remaining = length;
      state = State.LENGTH;
      if (length == 0) {
        end();
      }
    } else {
      state = State.UNTIL_CLOSE;
      keepAlive = false;
    }
  }

  private void end() {
    state = State.IDLE;
    busy = false;
    Handler h = handler;
    handler = null;
    if (!keepAlive) {
      close();
    }
    h.onEnd();
  }

  @Override
  void onClosed(Exception cause) {
    if (Client.TRACE) {
      System.err.println(System.nanoTime() / 1000 + " http " + System.identityHashCode(this) + " closed busy=" + busy
          + " reused=" + reused + " seen=" + headBytesSeen + " " + cause);
    }
    if (busy && reused && !headBytesSeen && state == State.HEAD) {
      // The keep-alive race: the server closed a connection it had finished with just as the
      // next request went out (netty-socketio closes after each poll). Browsers retry on a new
      // connection in this case, and so does this client, once.
      reconnect(lastRequest);
      return;
    }
    Handler h = handler;
    boolean wasBusy = busy;
    busy = false;
    handler = null;
    if (wasBusy && h != null) {
      if (state == State.UNTIL_CLOSE && cause == null) {
        state = State.IDLE;
        h.onEnd();
      } else {
        h.onError(cause != null ? cause : new java.io.EOFException("closed by server"));
      }
    }
  }

  private static int findHeadEnd(ByteBuffer b) {
    for (int i = b.position(); i + 3 < b.limit(); i++) {
      if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int findCrlf(ByteBuffer b) {
    for (int i = b.position(); i + 1 < b.limit(); i++) {
      if (b.get(i) == '\r' && b.get(i + 1) == '\n') {
        return i;
      }
    }
    return -1;
  }

  static String ascii(ByteBuffer b, int from, int to) {
    byte[] bytes = new byte[to - from];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = b.get(from + i);
    }
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }
}
