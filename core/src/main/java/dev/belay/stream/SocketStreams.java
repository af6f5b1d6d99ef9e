package dev.belay.stream;

import dev.belay.ConnectionStateRecovery;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transfers of one socket (its session, when connection state recovery carries them over to
 * the socket restored in its place): the {@code belay:*} events of the transfer protocol, the
 * receivers registered with {@code onStream}, and the per-socket limit. Used by the socket layer;
 * applications use {@code Socket.stream} and {@code Socket.onStream}.
 *
 * <p>The protocol, all ordinary Socket.IO events (an official client simply never sends them):
 * {@code belay:stream {id,name,meta}} opens, {@code belay:credit [id,received,limit,resume]}
 * grants (the receiver has {@code received} bytes and allows offsets below {@code limit}),
 * {@code belay:chunk [id,offset,<binary>]} carries data, {@code belay:end {id,size,sha256}} ends,
 * {@code belay:done {id}} confirms a verified end, {@code belay:abort {id,reason}} stops either
 * way, {@code belay:resume {id}} asks the receiver where to go on after a recovered reconnection.
 * Server-sent events never end with a string, so that a client never takes an argument for a
 * recovery offset.
 *
 * <p>Threading: protocol events arrive on the socket's lane; application calls come from any
 * thread. The maps are concurrent, each transfer guards its own state.
 */
public final class SocketStreams {
  public static final String PREFIX = "belay:";

  private final StreamHub hub;
  private final StreamOptions options;
  // The socket's link; replaced when a restored socket takes these transfers over. Any thread.
  private volatile StreamLink link;
  private final Map<String, StreamListener> receivers = new ConcurrentHashMap<>();
  private final Map<String, OutboundStream> outbound = new ConcurrentHashMap<>();
  private final Map<String, InboundStream> inbound = new ConcurrentHashMap<>();
  // Ids of transfers received and verified lately, answered "done" again if the client asks after
  // a reconnection; guarded by itself.
  private final Map<String, Boolean> completed = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > 256;
    }
  };
  private final AtomicLong ids = new AtomicLong();
  // The expiry of a session kept for recovery, or null; lane.
  private volatile Runnable expiry;

  public SocketStreams(StreamHub hub, StreamLink link) {
    this.hub = hub;
    this.options = hub.options();
    this.link = link;
  }

  /** Registers the receiver of transfers named {@code name} (replacing any). */
  public void onStream(String name, StreamListener listener) {
    receivers.put(name, listener);
  }

  /** Opens a transfer to the client; it fails at once when a limit refuses it. */
  public OutboundStream open(String name, Object meta) {
    String id = "s" + ids.incrementAndGet();
    StreamLink l = link;
    int chunk = Math.max(1024, Math.min(options.chunkBytes(), l.maxPayload() * 3 / 4 - 1024));
    OutboundStream out = new OutboundStream(this, id, name, l.toPlain(meta), chunk, options.windowBytes());
    String refused = refusal();
    if (refused != null) {
      out.fail(refused);
      return out;
    }
    outbound.put(id, out);
    out.sendOpen();
    return out;
  }

  private String refusal() {
    if (outbound.size() + inbound.size() >= options.maxPerSession()) {
      return "too many transfers on this connection (limit " + options.maxPerSession() + ")";
    }
    return hub.reserve(options.windowBytes());
  }

  /** Handles a {@code belay:*} event; false when {@code event} is not one (the socket dispatches it). */
  public boolean handle(String event, List<Object> args) {
    if (!event.startsWith(PREFIX)) return false;
    try {
      switch (event) {
        case "belay:stream" -> onOpen(map(args));
        case "belay:chunk" -> {
          InboundStream in = inbound.get(str(args, 0));
          if (in != null && args.size() > 2 && args.get(2) instanceof byte[] data) in.onChunk(num(args, 1), data);
        }
        case "belay:end" -> {
          Map<?, ?> m = map(args);
          InboundStream in = m == null ? null : inbound.get(String.valueOf(m.get("id")));
          if (in != null && m.get("size") instanceof Number size) {
            in.onEnd(size.longValue(), m.get("sha256") instanceof String s ? s : null);
          }
        }
        case "belay:credit" -> {
          OutboundStream out = outbound.get(str(args, 0));
          if (out != null) out.onCredit(num(args, 1), num(args, 2), args.size() > 3 && num(args, 3) == 1);
        }
        case "belay:done" -> {
          Map<?, ?> m = map(args);
          OutboundStream out = m == null ? null : outbound.get(String.valueOf(m.get("id")));
          if (out != null) out.onDone();
        }
        case "belay:abort" -> {
          Map<?, ?> m = map(args);
          if (m == null) return true;
          String id = String.valueOf(m.get("id"));
          String reason = "aborted by the client: " + m.get("reason");
          OutboundStream out = outbound.get(id);
          if (out != null) out.fail(reason);
          InboundStream in = inbound.get(id);
          if (in != null) in.fail(reason);
        }
        case "belay:resume" -> {
          Map<?, ?> m = map(args);
          if (m == null) return true;
          String id = String.valueOf(m.get("id"));
          InboundStream in = inbound.get(id);
          if (in != null) in.sendResume();
          else if (wasCompleted(id)) send("belay:done", Map.of("id", id));
          else send("belay:abort", Map.of("id", id, "reason", "unknown transfer"));
        }
        default -> { }
      }
    } catch (RuntimeException e) {
      // Bad input from a client never crashes the socket: the event is dropped.
    }
    return true;
  }

  private void onOpen(Map<?, ?> m) {
    if (m == null || !(m.get("id") instanceof String id) || !(m.get("name") instanceof String name)) return;
    InboundStream known = inbound.get(id);
    if (known != null) {
      known.sendResume();
      return;
    }
    if (wasCompleted(id)) {
      send("belay:done", Map.of("id", id));
      return;
    }
    StreamListener listener = receivers.get(name);
    String refused = listener == null ? "no receiver for transfers named \"" + name + "\"" : refusal();
    if (refused != null) {
      send("belay:abort", Map.of("id", id, "reason", refused));
      return;
    }
    InboundStream in = new InboundStream(this, id, name, m.get("meta"), options.windowBytes(), options.chunkBytes() * 4);
    inbound.put(id, in);
    in.grantFirst();
    try {
      listener.onStream(in.meta(), in);
    } catch (RuntimeException e) {
      in.abort("the receiver failed: " + e);
    }
  }

  private boolean wasCompleted(String id) {
    synchronized (completed) {
      return completed.containsKey(id);
    }
  }

  // ---------------------------------------------------------------- lifecycle (lane)

  /**
   * The socket left for {@code reason}. With {@code pid} (recovery on and the client may come back)
   * the transfers wait, kept by the hub, for the recovery window; otherwise, or after it, they fail.
   */
  public void suspend(String pid, ConnectionStateRecovery recovery, String reason) {
    if (outbound.isEmpty() && inbound.isEmpty()) return;
    if (recovery == null) {
      failAll("socket disconnected: " + reason + " (connection state recovery is off, so the transfer cannot resume)");
      return;
    }
    if (pid == null) {
      failAll("socket disconnected: " + reason);
      return;
    }
    Duration within = recovery.maxDisconnectionDuration();
    outbound.values().forEach(OutboundStream::suspend);
    hub.keep(pid, this);
    expiry = link.schedule(() -> {
      hub.forget(pid, this);
      failAll("the client did not come back within " + within.toMillis() + " ms");
    }, within);
  }

  /** Takes over the transfers kept for {@code pid} (recovered socket), or null if none. */
  public static SocketStreams takeOver(StreamHub hub, String pid, StreamLink link) {
    SocketStreams kept = hub.take(pid);
    if (kept == null) return null;
    Runnable cancel = kept.expiry;
    if (cancel != null) cancel.run();
    kept.expiry = null;
    kept.link = link;
    return kept;
  }

  /** The restored socket is connected: every outbound transfer asks where to go on from. */
  public void resume() {
    outbound.values().forEach(OutboundStream::resume);
  }

  private void failAll(String reason) {
    for (OutboundStream out : List.copyOf(outbound.values())) out.fail(reason);
    for (InboundStream in : List.copyOf(inbound.values())) in.fail(reason);
  }

  // ---------------------------------------------------------------- for the transfers

  boolean send(Object... eventAndArgs) {
    return link.send(eventAndArgs);
  }

  <T> T fromPlain(Object plain, Class<T> type) {
    return link.fromPlain(plain, type);
  }

  void execute(Runnable task) {
    link.execute(task);
  }

  void finished(OutboundStream out) {
    if (outbound.remove(out.id(), out)) hub.release(options.windowBytes());
  }

  void finished(InboundStream in) {
    if (inbound.remove(in.id(), in)) hub.release(options.windowBytes());
  }

  void completed(InboundStream in) {
    synchronized (completed) {
      completed.put(in.id(), Boolean.TRUE);
    }
    finished(in);
  }

  /** Transfers open on this socket now (both directions). */
  public int open() {
    return outbound.size() + inbound.size();
  }

  private static Map<?, ?> map(List<Object> args) {
    return !args.isEmpty() && args.get(0) instanceof Map<?, ?> m ? m : null;
  }

  private static String str(List<Object> args, int i) {
    return args.size() > i && args.get(i) instanceof String s ? s : null;
  }

  private static long num(List<Object> args, int i) {
    if (args.size() > i && args.get(i) instanceof Number n) return n.longValue();
    throw new IllegalArgumentException("not a number");
  }
}
