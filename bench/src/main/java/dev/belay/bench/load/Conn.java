package dev.belay.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * A non-blocking TCP connection on a {@link NioLoop}. Subclasses parse the bytes; this class only
 * moves them. The input buffer starts small and grows, since 10,000 idle clients must not each
 * hold a large buffer.
 */
abstract class Conn {
  final NioLoop loop;
  private SocketChannel channel;
  private SelectionKey key;
  ByteBuffer in = ByteBuffer.allocate(2048);
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(2);
  boolean open;
  private boolean closed;

  Conn(NioLoop loop) {
    this.loop = loop;
  }

  /** Starts a connection; loop thread only. */
  void connect(InetSocketAddress address) {
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      closed = false;
      if (channel.connect(address)) {
        key = channel.register(loop.selector(), SelectionKey.OP_READ, this);
        open = true;
        onConnected();
      } else {
        key = channel.register(loop.selector(), SelectionKey.OP_CONNECT, this);
      }
    } catch (IOException e) {
      fail(e);
    }
  }

  final void ready(SelectionKey k) {
    try {
      if (!k.isValid()) {
        return;
      }
      if (k.isConnectable()) {
        channel.finishConnect();
        k.interestOps(SelectionKey.OP_READ);
        open = true;
        onConnected();
        return;
      }
      if (k.isWritable()) {
        flush();
      }
      if (k.isValid() && k.isReadable()) {
        read();
      }
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  private void read() throws IOException {
    while (true) {
      if (!in.hasRemaining()) {
        ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
        in.flip();
        bigger.put(in);
        in = bigger;
      }
      int n = channel.read(in);
      if (n < 0) {
        close();
        onClosed(null);
        return;
      }
      if (n == 0) {
        return;
      }
      in.flip();
      onData(in);
      if (closed) {
        return;
      }
      in.compact();
      if (n < in.capacity() / 2) {
        // A short read means the socket is drained; skip the extra read() system call.
        return;
      }
    }
  }

  /** Queues bytes; writes at once when nothing is queued, which is the common case. */
  void write(ByteBuffer buf) {
    if (closed || channel == null) {
      return;
    }
    out.add(buf);
    if (out.size() == 1 && open) {
      try {
        flush();
      } catch (IOException e) {
        fail(e);
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
    if (key != null && key.isValid()) {
      key.interestOps(SelectionKey.OP_READ);
    }
  }

  boolean isClosed() {
    return closed;
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    open = false;
    out.clear();
    in.clear();
    if (key != null) {
      key.cancel();
    }
    try {
      if (channel != null) {
        channel.close();
      }
    } catch (IOException ignored) {
      // already closing
    }
  }

  private void fail(Exception e) {
    boolean was = closed;
    close();
    if (!was) {
      onClosed(e);
    }
  }

  /** The TCP connection is up: send the request. */
  abstract void onConnected();

  /** Bytes arrived; consume what forms whole units and leave the rest in {@code buf}. */
  abstract void onData(ByteBuffer buf);

  /** The peer closed ({@code cause} null) or the connection failed. */
  abstract void onClosed(Exception cause);
}
