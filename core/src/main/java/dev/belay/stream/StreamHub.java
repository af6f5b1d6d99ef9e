package dev.belay.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server-wide side of transfers: the limits on open transfers and bytes in flight, and the
 * transfers of sockets that left with connection state recovery on, kept until their client comes
 * back or the recovery window passes. One per server; thread-safe.
 */
public final class StreamHub {
  private final StreamOptions options;
  // Open transfers and their reserved windows, all sockets together; guarded by this.
  private int open;
  private long bytes;
  // private session id -> the transfers of a socket that left and may come back; thread-safe map.
  private final Map<String, SocketStreams> kept = new ConcurrentHashMap<>();

  public StreamHub(StreamOptions options) {
    this.options = options;
  }

  public StreamOptions options() {
    return options;
  }

  /** Reserves one transfer and its window; returns why not, or null when reserved. */
  synchronized String reserve(int window) {
    if (open >= options.maxTotal()) return "server busy: " + options.maxTotal() + " transfers open";
    if (bytes + window > options.maxBytesInFlight()) {
      return "server busy: " + options.maxBytesInFlight() + " bytes of transfers in flight";
    }
    open++;
    bytes += window;
    return null;
  }

  synchronized void release(int window) {
    open--;
    bytes -= window;
  }

  /** Transfers open now, all sockets together. */
  public synchronized int openTransfers() {
    return open;
  }

  /** Bytes reserved by open transfers' windows now. */
  public synchronized long bytesInFlight() {
    return bytes;
  }

  void keep(String pid, SocketStreams streams) {
    kept.put(pid, streams);
  }

  SocketStreams take(String pid) {
    return pid == null ? null : kept.remove(pid);
  }

  void forget(String pid, SocketStreams streams) {
    kept.remove(pid, streams);
  }
}
