package dev.belay.engine;

import dev.belay.engine.parser.EnginePacket;
import dev.belay.engine.parser.EnginePacketType;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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
  private static final System.Logger LOG = System.getLogger(EngineSession.class.getName());
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
  /**
   * Bytes of messages accepted by send and not yet written by the transport: buffered here or in
   * flight in the binding. Any thread. Every byte reserved is released exactly once (written,
   * dropped on close, or refused), so the server-wide total stays exact.
   */
  private final AtomicLong queuedBytes = new AtomicLong();
  /** Lane: bytes of the batches handed to the transport and not yet reported written (onDrain). */
  private long inFlightBytes;
  /** Lane: how many messages the last {@link #drainBuffer} took (for the observer). */
  private int lastDrainedMessages;

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
  /**
   * Lane: when the heartbeat ping was handed to the transport (scheduler millis), or -1 while it
   * still waits in the buffer; the pong deadline counts from it.
   */
  private long pingHandedAt = -1;
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
        ? new SerialLane(null, server.slowListeners)
        : new SerialLane(server.executor(), server.slowListeners);
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
    long bytes = sizeOf(packet);
    if (!reserve(1, bytes)) return false;
    lane.execute(() -> {
      if (state != State.OPEN) {
        queuedMessages.decrementAndGet();
        releaseBytes(bytes);
        return;
      }
      buffer.add(packet);
      flush();
    });
    return true;
  }

  private boolean enqueue(List<EnginePacket> packets) {
    int n = packets.size();
    long bytes = 0;
    for (EnginePacket p : packets) bytes += sizeOf(p);
    long reserved = bytes;
    if (!reserve(n, reserved)) return false;
    lane.execute(() -> {
      if (state != State.OPEN) {
        queuedMessages.addAndGet(-n);
        releaseBytes(reserved);
        return;
      }
      buffer.addAll(packets);
      flush();
    });
    return true;
  }

  /**
   * Counts {@code n} more messages of {@code bytes} bytes against the outbound limits: packets and
   * bytes for this client, bytes for the whole server. Over one, nothing is queued and the session
   * closes with OUTBOUND_OVERFLOW: a client that does not keep up loses its session, the server
   * keeps its memory. Over the server-wide budget only a client that is already behind (has bytes
   * waiting) is closed.
   */
  private boolean reserve(int n, long bytes) {
    if (state != State.OPEN) return false;
    String over = null;
    if (queuedMessages.addAndGet(n) > options.maxOutboundPackets()) {
      over = "more than " + options.maxOutboundPackets() + " packets waiting for the client";
    }
    long before = queuedBytes.getAndAdd(bytes);
    server.reserveOutboundBytes(bytes);
    if (over == null && before + bytes > options.maxOutboundBytes()) {
      over = "more than " + options.maxOutboundBytes() + " bytes waiting for the client";
    } else if (over == null && before > 0 && server.outboundBytes() > options.maxOutboundBytesTotal()) {
      over = "the server's outbound budget of " + options.maxOutboundBytesTotal()
          + " bytes is spent and the client is behind by " + before + " bytes";
    }
    if (over == null) return true;
    queuedMessages.addAndGet(-n);
    releaseBytes(bytes);
    String description = over;
    lane.execute(() -> closeOnLane(CloseReason.OUTBOUND_OVERFLOW, description));
    return false;
  }

  /** Gives back bytes reserved by {@link #reserve}. Any thread. */
  private void releaseBytes(long bytes) {
    if (bytes == 0) return;
    queuedBytes.addAndGet(-bytes);
    server.releaseOutboundBytes(bytes);
  }

  /** What a message costs against the byte limits: its bytes if binary, its characters if text. */
  private static long sizeOf(EnginePacket packet) {
    return packet.isBinary() ? packet.binary().length : packet.text().length() + 1;
  }

  /** Bytes waiting for this client (buffered or in flight); for tests and diagnostics. */
  long queuedBytes() {
    return queuedBytes.get();
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
    long before = inFlightBytes;
    List<EnginePacket> packets = drainBuffer();
    int messages = lastDrainedMessages;
    if (messages > 0) server.observer().messagesSent(t.name(), messages, inFlightBytes - before);
    t.send(packets);
  }

  /**
   * Lane. Takes everything buffered; the messages' bytes stay counted, as in flight, until the
   * transport reports them written. Notes when the heartbeat ping leaves.
   */
  private List<EnginePacket> drainBuffer() {
    List<EnginePacket> packets = new ArrayList<>(buffer.size());
    int messages = 0;
    for (EnginePacket p; (p = buffer.poll()) != null; ) {
      if (p.type() == EnginePacketType.MESSAGE) {
        messages++;
        inFlightBytes += sizeOf(p);
      } else if (p == EnginePacket.PING && pingHandedAt < 0) {
        pingHandedAt = scheduler.nowMillis();
      }
      packets.add(p);
    }
    queuedMessages.addAndGet(-messages);
    lastDrainedMessages = messages;
    return packets;
  }

  /**
   * Lane. The transport can take packets again: what it was given has been written (WebSocket,
   * SSE) or the client came back for more (polling).
   */
  void onDrain(Transport t) {
    if (t != transport) return;
    releaseInFlight();
    if (state == State.OPEN) flush();
  }

  private void releaseInFlight() {
    releaseBytes(inFlightBytes);
    inFlightBytes = 0;
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
        server.observer().messageReceived(t.name(), sizeOf(packet));
        listenerLane.execute(() -> {
          for (Consumer<Object> l : messageListeners) {
            try {
              l.accept(data);
            } catch (RuntimeException e) {
              LOG.log(System.Logger.Level.WARNING, "message listener failed on session " + id, e);
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
    pingTimer = scheduler.schedule(() -> lane.execute(this::sendPing), options.pingInterval());
  }

  private void sendPing() {
    if (state != State.OPEN) return;
    pingHandedAt = -1;
    buffer.add(EnginePacket.PING);
    flush();
    pongTimer.cancel();
    pongTimer = scheduler.schedule(() -> lane.execute(this::checkPong), options.pingTimeout());
  }

  /**
   * Lane. The pong deadline counts from when the ping was handed to the transport, not from when
   * it was due: a ping that waited (behind a busy I/O thread, or in the buffer of a transport
   * still writing) still gives the client pingTimeout to answer. A ping still in the buffer at
   * the deadline means the client takes nothing: the session closes.
   */
  private void checkPong() {
    if (state != State.OPEN) return;
    long now = scheduler.nowMillis();
    long deadline = pingHandedAt + options.pingTimeout().toMillis();
    if (pingHandedAt >= 0 && now < deadline) {
      pongTimer = scheduler.schedule(() -> lane.execute(this::checkPong), Duration.ofMillis(deadline - now));
      return;
    }
    closeOnLane(CloseReason.PING_TIMEOUT, pingHandedAt < 0
        ? "the ping could not be sent within " + options.pingTimeout().toMillis() + " ms"
        : "no pong within " + options.pingTimeout().toMillis() + " ms of the ping");
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
    releaseInFlight(); // the old transport has had its last batch
    old.closeReplaced();
    server.stats().upgraded(old.name(), next.name());
    server.observer().upgraded(old.name(), next.name());
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
    if (c != null && state == State.OPEN) server.observer().upgradeFailed(transport.name(), c.name());
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
    long dropped = inFlightBytes;
    for (EnginePacket p : buffer) if (p.type() == EnginePacketType.MESSAGE) dropped += sizeOf(p);
    inFlightBytes = 0;
    releaseBytes(dropped);
    buffer.clear();
    queuedMessages.set(0);
    Transport t = transport;
    if (reason == CloseReason.OUTBOUND_OVERFLOW) {
      server.overflows.log(() -> "closed session " + id + " on " + t.name() + ": its client fell behind, "
          + description);
      t.overflowed(description);
    }
    else t.close(last, linger);
    server.sessionClosed(this, t.name(), reason);
    listenerLane.execute(() -> {
      for (BiConsumer<CloseReason, String> l : closeListeners) {
        try {
          l.accept(reason, description);
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "close listener failed on session " + id, e);
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
