package dev.belay.engine;

import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.EnginePacketType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The state machine of one Engine.IO session: outbound buffer and flush, heartbeat, probe-based
 * upgrade, and close through one path ({@link #closeOnLane}).
 *
 * <p>Threading: two {@linkplain SerialLane serial lanes}. The engine lane runs every state
 * change, inline on whichever thread submits when idle (an I/O thread, the timer thread, a
 * worker); its tasks never block. The listener lane runs application listeners, and whatever the
 * layer above submits through {@link #execute}, on the worker pool, so a slow listener delays
 * nothing but later listeners of this session (or, with {@code listenersOnIoThread}, inline like
 * the engine lane: nested in the engine task that delivers the message). Fields marked "lane"
 * are touched only on the engine lane.
 */
final class EngineSession implements EngineSocket {
  private static final Logger LOG = Logger.getLogger(EngineSession.class.getName());
  private static final Cancellable NONE = () -> {};

  enum State { OPEN, CLOSING, CLOSED }

  private final EngineServer server;
  private final String id;
  private final TransportRequest request;
  private final long createdAt = System.currentTimeMillis();
  private final EngineOptions options;
  private final EngineScheduler scheduler;
  /** Engine lane: every state change. Final. */
  final SerialLane lane = new SerialLane(null);
  /** Listener lane: application listeners, in order. Final. */
  private final SerialLane listenerLane;

  /** Listener lists: added from any thread, iterated on the listener lane. */
  // Immutable lists replaced under the session's monitor when a listener is added (rare), read
  // without a lock on the listener lane; the empty list is shared, so a session costs nothing here
  // until it has listeners (this matters at tens of thousands of sessions).
  private volatile List<Consumer<Object>> messageListeners = List.of();
  private volatile List<BiConsumer<CloseReason, String>> closeListeners = List.of();
  private volatile List<Consumer<String>> upgradeListeners = List.of();

  /** Message packets accepted by send and not yet handed to a transport. Any thread. */
  private final AtomicInteger queuedMessages = new AtomicInteger();

  /** Lane: packets waiting for a writable transport. */
  private final ArrayDeque<EnginePacket> buffer = new ArrayDeque<>(4);
  /** Written on the lane, read anywhere. */
  private volatile State state = State.OPEN;
  /** Written on the lane, read anywhere (for {@link #transport()} and {@link #isWritable()}). */
  private volatile Transport transport;
  /** Lane: the transport being probed for an upgrade, or null. */
  private Transport candidate;
  /** Lane: the candidate answered the probe. */
  private boolean probed;
  /** Lane: when the next ping is due (scheduler millis); the pong deadline counts from it. */
  private long pingDueAt;
  /** Lane: timers; NONE when not scheduled. */
  private Cancellable pingTimer = NONE;
  private Cancellable pongTimer = NONE;
  private Cancellable upgradeTimer = NONE;
  private Cancellable lingerTimer = NONE;

  EngineSession(EngineServer server, String id, TransportRequest request, Transport transport) {
    this.server = server;
    this.id = id;
    this.request = request;
    this.options = server.options();
    this.scheduler = server.scheduler();
    this.listenerLane = options.listenersOnIoThread()
        ? new SerialLane(null, true)
        : new SerialLane(server.executor());
    this.transport = transport;
    transport.attach(this);
    lane.home(transport.ioThread());
  }

  // ---- EngineSocket -------------------------------------------------------------------------

  @Override public String id() { return id; }

  @Override public String transport() { return transport.name(); }

  @Override public TransportRequest request() { return request; }

  @Override public long createdAt() { return createdAt; }

  @Override public boolean isOpen() { return state == State.OPEN; }

  @Override public boolean isWritable() { return state == State.OPEN && transport.writable(); }

  @Override
  public boolean send(String text) {
    return enqueue(EnginePacket.message(text));
  }

  @Override
  public boolean send(byte[] data) {
    return enqueue(EnginePacket.binary(data));
  }

  @Override
  public boolean send(EnginePacket message) {
    return enqueue(requireMessage(message));
  }

  @Override
  public boolean sendAll(List<?> messages) {
    List<EnginePacket> packets = new ArrayList<>(messages.size());
    for (Object m : messages) {
      if (m instanceof String s) packets.add(EnginePacket.message(s));
      else if (m instanceof byte[] b) packets.add(EnginePacket.binary(b));
      else if (m instanceof EnginePacket p) packets.add(requireMessage(p));
      else throw new IllegalArgumentException("a message is a String, a byte[] or an EnginePacket, not " + m);
    }
    return enqueue(packets);
  }

  private static EnginePacket requireMessage(EnginePacket packet) {
    if (packet.type() != EnginePacketType.MESSAGE) {
      throw new IllegalArgumentException("only MESSAGE packets can be sent, not " + packet.type());
    }
    return packet;
  }

  @Override
  public void close() {
    close(CloseReason.FORCED_CLOSE);
  }

  @Override
  public void close(CloseReason reason) {
    lane.execute(() -> closeOnLane(reason, reason.text()));
  }

  @Override
  public void execute(Runnable task) {
    listenerLane.execute(java.util.Objects.requireNonNull(task, "task"));
  }

  @Override
  public EngineSocket onMessage(Consumer<Object> listener) {
    synchronized (this) {
      messageListeners = append(messageListeners, listener);
    }
    return this;
  }

  @Override
  public EngineSocket onClose(BiConsumer<CloseReason, String> listener) {
    synchronized (this) {
      closeListeners = append(closeListeners, listener);
    }
    return this;
  }

  @Override
  public EngineSocket onUpgrade(Consumer<String> listener) {
    synchronized (this) {
      upgradeListeners = append(upgradeListeners, listener);
    }
    return this;
  }

  @Override
  public String toString() {
    return "EngineSession[" + id + " " + transport.name() + " " + state + "]";
  }

  private static <T> List<T> append(List<T> list, T item) {
    List<T> copy = new ArrayList<>(list.size() + 1);
    copy.addAll(list);
    copy.add(java.util.Objects.requireNonNull(item, "listener"));
    return List.copyOf(copy);
  }

  // ---- sending ------------------------------------------------------------------------------

  /** One message: the common case (every emit, every broadcast recipient), without a list. */
  private boolean enqueue(EnginePacket packet) {
    if (!reserve(1)) return false;
    lane.execute(() -> {
      if (state != State.OPEN) {
        queuedMessages.decrementAndGet();
        return;
      }
      buffer.add(packet);
      flush();
    });
    return true;
  }

  private boolean enqueue(List<EnginePacket> packets) {
    int n = packets.size();
    if (!reserve(n)) return false;
    lane.execute(() -> {
      if (state != State.OPEN) {
        queuedMessages.addAndGet(-n);
        return;
      }
      buffer.addAll(packets);
      flush();
    });
    return true;
  }

  /** Counts {@code n} more messages against the outbound limit; over it, the session closes. */
  private boolean reserve(int n) {
    if (state != State.OPEN) return false;
    if (queuedMessages.addAndGet(n) > options.maxOutboundPackets()) {
      queuedMessages.addAndGet(-n);
      lane.execute(() -> closeOnLane(CloseReason.OUTBOUND_OVERFLOW,
          "more than " + options.maxOutboundPackets() + " packets waiting for the client"));
      return false;
    }
    return true;
  }

  /** Lane. Sends the open packet and starts the heartbeat. */
  void open(List<String> upgrades) {
    StringBuilder json = new StringBuilder(128).append("{\"sid\":\"").append(id).append("\",\"upgrades\":[");
    for (int i = 0; i < upgrades.size(); i++) {
      if (i > 0) json.append(',');
      json.append('"').append(upgrades.get(i)).append('"');
    }
    json.append("],\"pingInterval\":").append(options.pingInterval().toMillis())
        .append(",\"pingTimeout\":").append(options.pingTimeout().toMillis())
        .append(",\"maxPayload\":").append(options.maxPayload()).append('}');
    buffer.addFirst(EnginePacket.of(EnginePacketType.OPEN, json.toString()));
    flush();
    schedulePing();
  }

  /** Lane. Hands the whole buffer to the transport if it can take it now. */
  private void flush() {
    Transport t = transport;
    if (buffer.isEmpty() || !t.writable()) return;
    List<EnginePacket> packets = drainBuffer();
    t.send(packets);
  }

  private List<EnginePacket> drainBuffer() {
    List<EnginePacket> packets = new ArrayList<>(buffer.size());
    int messages = 0;
    for (EnginePacket p; (p = buffer.poll()) != null; ) {
      if (p.type() == EnginePacketType.MESSAGE) messages++;
      packets.add(p);
    }
    queuedMessages.addAndGet(-messages);
    return packets;
  }

  /** Lane. The transport can take packets again. */
  void onDrain(Transport t) {
    if (t == transport && state == State.OPEN) flush();
  }

  /**
   * Lane. During a probed upgrade a poll with nothing to carry is released at once with NOOP, so
   * that the client can pause the old transport and send the upgrade packet.
   */
  boolean shouldReleasePoll(Transport t) {
    return t == transport && probed && buffer.isEmpty();
  }

  // ---- receiving ----------------------------------------------------------------------------

  /** Lane. A packet arrived on {@code t}. */
  void onPacket(Transport t, EnginePacket packet) {
    if (state != State.OPEN) return;
    if (t == candidate) {
      onCandidatePacket(packet);
      return;
    }
    if (t != transport) return; // a late packet on a replaced transport
    switch (packet.type()) {
      case PONG -> onPong();
      case PING -> { // clients of protocol v4 do not ping, but answering is harmless
        buffer.add(EnginePacket.of(EnginePacketType.PONG, packet.text()));
        flush();
      }
      case MESSAGE -> {
        Object data = packet.data();
        server.stats().received();
        listenerLane.execute(() -> {
          for (Consumer<Object> l : messageListeners) {
            try {
              l.accept(data);
            } catch (RuntimeException e) {
              LOG.log(Level.WARNING, "message listener failed on session " + id, e);
            }
          }
        });
      }
      case CLOSE -> closeOnLane(CloseReason.CLIENT_CLOSE, "the client closed the session");
      case NOOP -> { }
      case OPEN, UPGRADE -> closeOnLane(CloseReason.PARSE_ERROR, "unexpected " + packet.type() + " packet");
    }
  }

  /** Lane. A transport failed to parse what the client sent. */
  void onParseError(Transport t, String description) {
    if (t == candidate) {
      abandonCandidate();
    } else if (t == transport) {
      closeOnLane(CloseReason.PARSE_ERROR, description);
    }
  }

  /** Lane. A transport ended (client went away, I/O error, protocol violation). */
  void onTransportClose(Transport t, CloseReason reason, String description) {
    if (t == candidate) {
      abandonCandidate();
    } else if (t == transport) {
      if (state == State.OPEN) closeOnLane(reason, description);
      else finish();
    }
  }

  /** Lane. A closing transport delivered its final packets; the session may go. */
  void onTransportFinished(Transport t) {
    if (t == transport && state == State.CLOSING) finish();
  }

  // ---- heartbeat ----------------------------------------------------------------------------

  private void schedulePing() {
    pingTimer.cancel();
    pingDueAt = scheduler.nowMillis() + options.pingInterval().toMillis();
    pingTimer = scheduler.schedule(() -> lane.execute(this::sendPing), options.pingInterval());
  }

  private void sendPing() {
    if (state != State.OPEN) return;
    buffer.add(EnginePacket.PING);
    flush();
    pongTimer.cancel();
    // Counted from when the ping was due, not when the timer thread got to it: a silent client is
    // gone pingInterval + pingTimeout after its last pong, with no slack added by timer latency.
    long wait = Math.max(0, pingDueAt + options.pingTimeout().toMillis() - scheduler.nowMillis());
    pongTimer = scheduler.schedule(() -> lane.execute(() -> closeOnLane(CloseReason.PING_TIMEOUT,
        "no pong within " + options.pingTimeout().toMillis() + " ms")), Duration.ofMillis(wait));
  }

  private void onPong() {
    pongTimer.cancel();
    pongTimer = NONE;
    schedulePing();
  }

  // ---- upgrade ------------------------------------------------------------------------------

  /** Whether a new transport may start probing now. May be read from any thread (a hint). */
  boolean canUpgrade() {
    return state == State.OPEN;
  }

  /** Lane. A new transport with this sid wants to take over; it must probe first. */
  void beginUpgrade(Transport next) {
    next.attach(this);
    if (state != State.OPEN || candidate != null || next.name().equals(transport.name())) {
      next.close(List.of(), false);
      return;
    }
    candidate = next;
    probed = false;
    upgradeTimer = scheduler.schedule(() -> lane.execute(() -> {
      if (candidate == next) abandonCandidate();
    }), options.upgradeTimeout());
  }

  /** Lane. Whether {@code t} carries this session or is its upgrade candidate. */
  boolean carriesOrProbes(Transport t) {
    return t == transport || t == candidate;
  }

  /** Whether an upgrade is under way (a candidate exists). Lane. */
  boolean upgrading() {
    return candidate != null;
  }

  private void onCandidatePacket(EnginePacket packet) {
    if (packet.type() == EnginePacketType.PING && "probe".equals(packet.text()) && !probed) {
      probed = true;
      candidate.send(List.of(EnginePacket.PONG_PROBE));
      // Release a pending poll (or mark the end of a stream) so the client can pause the old transport.
      transport.onProbed(buffer.isEmpty());
    } else if (packet.type() == EnginePacketType.UPGRADE && probed) {
      completeUpgrade();
    } else {
      abandonCandidate();
    }
  }

  private void completeUpgrade() {
    Transport old = transport;
    Transport next = candidate;
    upgradeTimer.cancel();
    candidate = null;
    probed = false;
    transport = next;
    lane.home(next.ioThread());
    old.closeReplaced();
    server.stats().upgraded(old.name(), next.name());
    String name = next.name();
    listenerLane.execute(() -> upgradeListeners.forEach(l -> l.accept(name)));
    flush();
  }

  private void abandonCandidate() {
    Transport c = candidate;
    boolean wasProbed = probed;
    candidate = null;
    probed = false;
    upgradeTimer.cancel();
    if (c != null) c.close(List.of(), false);
    if (wasProbed && state == State.OPEN) transport.onUpgradeAbandoned();
  }

  // ---- closing: the one failure path --------------------------------------------------------

  /** Lane. Closes the session once; later calls do nothing. */
  void closeOnLane(CloseReason reason, String description) {
    if (state != State.OPEN) return;
    state = State.CLOSING;
    pingTimer.cancel();
    pongTimer.cancel();
    abandonCandidate();
    // A graceful close delivers what is buffered, then CLOSE; a client's close is answered with
    // NOOP to release its pending poll; a failure sends CLOSE alone. Graceful and client closes
    // linger for the client's next poll, failures do not (the sid is unknown at once).
    List<EnginePacket> last = new ArrayList<>();
    boolean linger = true;
    switch (reason) {
      case FORCED_CLOSE, SERVER_SHUTTING_DOWN -> {
        last.addAll(drainBuffer());
        last.add(EnginePacket.CLOSE);
      }
      case CLIENT_CLOSE -> last.add(EnginePacket.NOOP);
      default -> {
        linger = false;
        if (reason != CloseReason.TRANSPORT_CLOSE) last.add(EnginePacket.CLOSE);
      }
    }
    buffer.clear();
    queuedMessages.set(0);
    Transport t = transport;
    t.close(last, linger);
    server.sessionClosed(this);
    listenerLane.execute(() -> {
      for (BiConsumer<CloseReason, String> l : closeListeners) {
        try {
          l.accept(reason, description);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "close listener failed on session " + id, e);
        }
      }
    });
    if (t.holdsFinalPackets()) {
      // Linger so that the client's next poll collects the close; bounded by the ping timeout.
      lingerTimer = scheduler.schedule(() -> lane.execute(this::finish), options.pingTimeout());
    } else {
      finish();
    }
  }

  private void finish() {
    if (state == State.CLOSED) return;
    state = State.CLOSED;
    lingerTimer.cancel();
    server.sessionFinished(this);
  }

  State state() {
    return state;
  }

  Transport currentTransport() {
    return transport;
  }

  /** Lane. The transport being probed for an upgrade, or null. */
  Transport candidateTransport() {
    return candidate;
  }

}
