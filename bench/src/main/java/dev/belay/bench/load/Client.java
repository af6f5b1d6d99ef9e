package dev.belay.bench.load;

import java.net.InetSocketAddress;
import java.util.BitSet;

/**
 * One simulated Socket.IO client in the main namespace: Engine.IO handshake, {@code 40} connect,
 * answers pings, and hands events and acks to the scenario. It lives on one {@link NioLoop} and
 * is touched only from that loop's thread, which is why its counters are plain fields.
 */
public final class Client {
  /** What a scenario hears; all calls on the client's loop thread. */
  public interface Listener {
    default void onConnected(Client c) { }

    /** A Socket.IO EVENT; {@code packet} is the whole Engine.IO text ({@code 42[...]}). */
    default void onEvent(Client c, String packet) { }

    /** A Socket.IO ACK; {@code packet} is the whole Engine.IO text ({@code 43<id>[...]}). */
    default void onAck(Client c, String packet) { }

    default void onClosed(Client c, Exception cause) { }
  }

  /** {@code -Dbench.trace=true}: print every packet in and out, to debug a server or this client. */
  static final boolean TRACE = Boolean.getBoolean("bench.trace");
  final NioLoop loop;
  final ClientTransport transport;
  final Listener listener;
  String sid;
  long tStart;
  long tOpen;
  long tConnected;
  boolean connected;
  boolean closed;
  /** Scenario bookkeeping, loop thread only. */
  int inflight;
  int nextAckId;
  long sent;
  /** Where the handshake goes when not to the session's address (long-polling only); null: there too. Set before {@link #start}. */
  InetSocketAddress handshakeAddress;
  /** Cluster runs: the index of the server this client was sent to; set before {@link #start}. */
  int group;
  /** Cross-node fan-out: the sequence numbers of the broadcasts received; null until the first. */
  BitSet ticks;
  /** Cross-node fan-out: broadcasts received more than once. */
  long duplicates;

  public Client(NioLoop loop, InetSocketAddress address, String path, String transport, Listener listener) {
    this.loop = loop;
    this.listener = listener;
    this.transport = switch (transport) {
      case "ws", "websocket" -> new ClientTransport.Ws(this, address, path);
      case "polling" -> new ClientTransport.Polling(this, address, path);
      case "sse" -> new ClientTransport.Sse(this, address, path);
      default -> throw new IllegalArgumentException("unknown transport " + transport);
    };
  }

  /** Starts the handshake; loop thread only. */
  public void start() {
    tStart = System.nanoTime();
    transport.open();
  }

  public void send(String enginePacket) {
    if (TRACE) {
      System.err.println(System.nanoTime() / 1000 + " " + sid + " > " + enginePacket);
    }
    if (!closed) {
      transport.send(enginePacket);
    }
  }

  /** Leaves politely (Socket.IO disconnect, Engine.IO close) so the server frees the session now. */
  public void disconnect() {
    if (closed) {
      return;
    }
    if (sid != null) {
      transport.send("41");
      transport.send("1");
    }
    closed = true;
    transport.close();
  }

  void onPacket(String p) {
    if (TRACE) {
      System.err.println(System.nanoTime() / 1000 + " " + sid + " < " + p);
    }
    if (p.isEmpty() || closed) {
      return;
    }
    switch (p.charAt(0)) {
      case '0' -> {
        tOpen = System.nanoTime();
        int i = p.indexOf("\"sid\":\"");
        int j = p.indexOf('"', i + 7);
        sid = p.substring(i + 7, j);
        transport.onOpen();
        send("40");
      }
      case '2' -> send("3");
      case '4' -> {
        char type = p.length() > 1 ? p.charAt(1) : ' ';
        switch (type) {
          case '0' -> {
            connected = true;
            tConnected = System.nanoTime();
            listener.onConnected(this);
          }
          case '2' -> listener.onEvent(this, p);
          case '3' -> listener.onAck(this, p);
          case '4' -> failed(new IllegalStateException("connect error: " + p));
          case '1' -> failed(new IllegalStateException("disconnected by server"));
          default -> { }
        }
      }
      case '1' -> failed(new IllegalStateException("closed by server"));
      default -> { } // 3 pong, 6 noop, 5 upgrade: nothing to do
    }
  }

  void failed(Exception cause) {
    if (closed) {
      return;
    }
    closed = true;
    transport.close();
    listener.onClosed(this, cause);
  }

  /** Reads the {@code "t":<nanos>} stamp the generator put in a payload; -1 if none. */
  public static long stamp(String packet) {
    return number(packet, "\"t\":");
  }

  /**
   * Reads the integer after the first {@code key} (e.g. {@code "s":}) in a payload the generator
   * wrote; -1 if the key is absent.
   */
  static long number(String packet, String key) {
    int i = packet.indexOf(key);
    if (i < 0 || i + key.length() >= packet.length()) {
      return -1;
    }
    i += key.length();
    boolean neg = packet.charAt(i) == '-';
    if (neg) {
      i++;
    }
    long v = 0;
    for (; i < packet.length(); i++) {
      char ch = packet.charAt(i);
      if (ch < '0' || ch > '9') {
        break;
      }
      v = v * 10 + (ch - '0');
    }
    return neg ? -v : v;
  }
}
