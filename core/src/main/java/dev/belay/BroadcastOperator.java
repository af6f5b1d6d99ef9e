package dev.belay;

import dev.belay.adapter.Adapter;
import dev.belay.adapter.BroadcastFlags;
import dev.belay.adapter.BroadcastOptions;
import dev.belay.engine.Cancellable;
import dev.belay.parser.SocketPacket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A broadcast target being built: rooms, exceptions and flags. Immutable: each call returns a new
 * operator, so one can be kept and reused from any thread. {@link #emit(String, Object...)} encodes
 * the packet once and hands the same frames to every recipient.
 *
 * <pre>{@code
 * server.to("room-1").to("room-2").except("muted").emit("news", headline);
 * socket.to("game-42").emit("move", move);                 // everyone in the room but the sender
 * server.in("room-1").fetchSockets().thenAccept(list -> log.info(list.size() + " in room-1"));
 * server.in("room-1").socketsJoin("room-2");
 * server.asVolatile().emit("tick", System.currentTimeMillis());
 * server.timeout(Duration.ofSeconds(5)).emitWithAck("are-you-there").thenAccept(answers -> ...);
 * }</pre>
 *
 * <p>Every operation goes through the namespace's adapter, so with a cluster adapter it spans
 * every node, unless {@link #local()}.
 */
public final class BroadcastOperator {
  private static final Set<String> RESERVED_EVENTS =
      Set.of("connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");

  private final Namespace namespace;
  private final Set<String> rooms;
  private final Set<String> except;
  private final BroadcastFlags flags;
  // The acknowledgement timeout for emitWithAck, or null for the server's ackTimeout.
  private final Duration timeout;

  BroadcastOperator(Namespace namespace) {
    this(namespace, Set.of(), Set.of(), BroadcastFlags.NONE, null);
  }

  private BroadcastOperator(Namespace namespace, Set<String> rooms, Set<String> except, BroadcastFlags flags,
      Duration timeout) {
    this.namespace = namespace;
    this.rooms = rooms;
    this.except = except;
    this.flags = flags;
    this.timeout = timeout;
  }

  /** Also target the sockets in {@code more} rooms. */
  public BroadcastOperator to(String... more) {
    return new BroadcastOperator(namespace, union(rooms, more), except, flags, timeout);
  }

  /** Same as {@link #to(String...)}. */
  public BroadcastOperator in(String... more) {
    return to(more);
  }

  /** Leave out the sockets in {@code more} rooms (a socket id is a room too). */
  public BroadcastOperator except(String... more) {
    return new BroadcastOperator(namespace, rooms, union(except, more), flags, timeout);
  }

  /** Only the sockets of this server. */
  public BroadcastOperator local() {
    return new BroadcastOperator(namespace, rooms, except, flags.withLocal(true), timeout);
  }

  /** Drop the packet for a client that cannot take it right now. */
  public BroadcastOperator asVolatile() {
    return new BroadcastOperator(namespace, rooms, except, flags.withVolatile(true), timeout);
  }

  /** The acknowledgement timeout for {@link #emitWithAck(String, Object...)}. */
  public BroadcastOperator timeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
    return new BroadcastOperator(namespace, rooms, except, flags, timeout);
  }

  /** The options this operator stands for. */
  public BroadcastOptions options() {
    return new BroadcastOptions(rooms, except, flags);
  }

  /**
   * Emits {@code event} to every selected socket, on every node unless {@link #local()}. Arguments
   * go through the {@link JsonMapper}; binary is allowed. The adapter encodes the packet once per
   * node. For acknowledgements use {@link #emitWithAck(String, Object...)}.
   */
  public void emit(String event, Object... args) {
    if (args.length > 0 && args[args.length - 1] instanceof AckCallback) {
      throw new UnsupportedOperationException("a broadcast collects acknowledgements with emitWithAck");
    }
    List<Object> data = eventData(event, args);
    BroadcastOptions options = options();
    for (Namespace target : namespace.broadcastTargets()) {
      target.adapter().broadcast(SocketPacket.event(target.name(), data, null), options);
    }
  }

  /**
   * Emits {@code event} to every selected socket on every node and completes with their
   * acknowledgements (the first argument of each, in arrival order) once every node has said how
   * many clients it reached and all of those have answered; fails with an
   * {@link AckTimeoutException} if some have not within the timeout (the server's ackTimeout
   * unless {@link #timeout(Duration)} set one). A client of this node that disconnects is no
   * longer waited for.
   *
   * <pre>{@code
   * server.to("voters").timeout(Duration.ofSeconds(10)).emitWithAck("vote", "lunch?")
   *     .thenAccept(votes -> log.info("votes: " + votes));
   * }</pre>
   */
  public CompletableFuture<List<Object>> emitWithAck(String event, Object... args) {
    List<Object> data = eventData(event, args);
    Server server = namespace.server();
    Duration wait = timeout != null ? timeout : server.options().ackTimeout();
    BroadcastOptions options = new BroadcastOptions(rooms, except, flags.withVolatile(false).withTimeout(wait.toMillis()));
    List<Namespace> targets = namespace.broadcastTargets();
    BroadcastAck collector = new BroadcastAck(targets.size());
    Cancellable timer = server.scheduler().schedule(
        () -> server.workers().execute(() -> collector.timeOut(wait.toMillis())), wait);
    collector.future().whenComplete((result, error) -> timer.cancel());
    for (Namespace target : targets) {
      Adapter adapter = target.adapter();
      adapter.broadcastWithAck(SocketPacket.event(target.name(), data, null), options, collector::clientCount,
          collector::onAck);
      adapter.serverCount().whenComplete((count, error) -> collector.serverCount(error == null ? count : 1));
    }
    if (targets.isEmpty()) collector.completeIfDone(); // a dynamic parent without children yet
    return collector.future();
  }

  /**
   * Sends {@code event} to the other servers of the cluster and completes with one answer per
   * server (the first argument of its acknowledgement), waiting at most the {@link #timeout}
   * given here (or the adapter's request timeout); fails with {@link AckTimeoutException} when a
   * server that is up has not answered by then. A single server completes at once, empty.
   *
   * <pre>{@code
   * server.timeout(Duration.ofSeconds(2)).serverSideEmitWithAck("hello")
   *     .thenAccept(answers -> log.info(answers.size() + " other servers answered"));
   * }</pre>
   */
  public CompletableFuture<List<Object>> serverSideEmitWithAck(String event, Object... args) {
    return namespace.serverSideEmitWithAck(timeout, event, args);
  }

  private List<Object> eventData(String event, Object[] args) {
    if (RESERVED_EVENTS.contains(event)) throw new IllegalArgumentException("\"" + event + "\" is a reserved event name");
    JsonMapper mapper = namespace.server().options().jsonMapper();
    List<Object> data = new ArrayList<>(args.length + 1);
    data.add(event);
    for (Object arg : args) data.add(mapper.toPlain(arg));
    return data;
  }

  /**
   * The selected sockets on every node: this server's as {@link Socket}s, others' as proxies
   * (their emit, join, leave and disconnect go to their node). Fails when a node that is up does
   * not answer within the {@link #timeout} given here (or the adapter's request timeout).
   */
  public CompletableFuture<List<RemoteSocket>> fetchSockets() {
    BroadcastOptions options = timeout == null ? options() : options().withFlags(flags.withTimeout(timeout.toMillis()));
    List<CompletableFuture<List<RemoteSocket>>> parts = new ArrayList<>();
    for (Namespace target : namespace.broadcastTargets()) parts.add(target.adapter().fetchSockets(options));
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
      List<RemoteSocket> all = new ArrayList<>();
      for (CompletableFuture<List<RemoteSocket>> part : parts) all.addAll(part.join());
      return Collections.unmodifiableList(all);
    });
  }

  /** Makes the selected sockets join {@code newRooms}. */
  public void socketsJoin(String... newRooms) {
    for (Namespace target : namespace.broadcastTargets()) target.adapter().addSockets(options(), Set.of(newRooms));
  }

  /** Makes the selected sockets leave {@code oldRooms}. */
  public void socketsLeave(String... oldRooms) {
    for (Namespace target : namespace.broadcastTargets()) target.adapter().delSockets(options(), Set.of(oldRooms));
  }

  /** Disconnects the selected sockets; {@code close} closes their connections too. */
  public void disconnectSockets(boolean close) {
    for (Namespace target : namespace.broadcastTargets()) target.adapter().disconnectSockets(options(), close);
  }

  private static Set<String> union(Set<String> base, String[] more) {
    Set<String> result = new LinkedHashSet<>(base);
    Collections.addAll(result, more);
    return Collections.unmodifiableSet(result);
  }
}
