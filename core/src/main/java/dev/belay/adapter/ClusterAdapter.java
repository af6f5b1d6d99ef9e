package dev.belay.adapter;

import dev.belay.AckCallback;
import dev.belay.AckTimeoutException;
import dev.belay.RemoteSocket;
import dev.belay.engine.Cancellable;
import dev.belay.parser.SocketPacket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;

/**
 * The template of an adapter for many nodes, after socket.io-adapter's {@code ClusterAdapter} and
 * {@code ClusterAdapterWithHeartbeat}: every operation that spans nodes is published as a
 * {@link ClusterMessage}, requests are answered with {@link ClusterResponse}s correlated by
 * request id, nodes announce themselves with heartbeats and are seen as down after
 * {@code heartbeatTimeout} of silence. A transport (Redis, an in-process bus in tests) implements
 * only {@link #doPublish} and {@link #doPublishResponse}, and calls {@link #onMessage} and
 * {@link #onResponse} with what it receives.
 *
 * <pre>{@code
 * final class BusAdapter extends ClusterAdapter {
 *   BusAdapter(LocalNamespace namespace, Bus bus) {
 *     super(namespace, ClusterAdapterOptions.defaults());
 *     bus.subscribe(this::onMessage, uid(), this::onResponse);
 *   }
 *   protected CompletableFuture<String> doPublish(ClusterMessage message) { return bus.publish(message); }
 *   protected CompletableFuture<Void> doPublishResponse(String requesterUid, ClusterResponse response) {
 *     return bus.publishResponse(requesterUid, response);
 *   }
 * }
 * }</pre>
 *
 * <p>Broadcasts: a non-local broadcast is published first and delivered locally once the publish
 * completes, with the offset the transport returned (a stream id) appended when recovery is on,
 * so every node stamps the same offset; the transport must complete its publish futures in
 * publish order. Sessions are kept in this node's memory by default (a client must come back to
 * the same node); a transport with a shared log overrides {@link #persistSession},
 * {@link #restoreSession} and {@link #storePacket}.
 *
 * <p>Threading: {@link #onMessage} and {@link #onResponse} may be called from any thread, one
 * message at a time in the order received (a transport's reader). Local deliveries run on that
 * thread (writes never block); server-side listeners run on the namespace's workers; futures
 * returned to callers are completed on a worker. Node and request maps are concurrent; each
 * pending request is guarded by itself.
 */
public abstract class ClusterAdapter extends InMemoryAdapter {
  private static final System.Logger LOG = System.getLogger(ClusterAdapter.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The uid of publishers that are not servers (Socket.IO emitters): never counted as nodes. */
  public static final String EMITTER_UID = "emitter";
  /** How often nodes are checked for silence. */
  private static final Duration CLEANUP_INTERVAL = Duration.ofSeconds(1);

  private final String uid = randomId();
  private final ClusterAdapterOptions options;
  // Other node uid -> when it was last heard from (scheduler millis); any thread.
  private final Map<String, Long> nodes = new ConcurrentHashMap<>();
  // Request id -> fetch or server-side emit waiting for the other nodes; any thread.
  private final Map<String, PendingRequest> requests = new ConcurrentHashMap<>();
  // Request id -> broadcast with acks waiting for other nodes' counts and answers; any thread.
  private final Map<String, AckRequest> ackRequests = new ConcurrentHashMap<>();
  // The next heartbeat, pushed back by every publish; replaced under this adapter's monitor.
  private Cancellable heartbeatTimer;
  // The next silence check; replaced under this adapter's monitor.
  private Cancellable cleanupTimer;
  // Set once by close(); any thread.
  private volatile boolean closed;

  private record AckRequest(IntConsumer clientCountCallback, AckCallback ackCallback) {}

  /** A fetch or server-side emit: collects one answer per node still expected. */
  private final class PendingRequest {
    final CompletableFuture<List<Object>> future = new CompletableFuture<>();
    // Guarded by this request.
    final Set<String> missingUids;
    final List<Object> responses;
    // Set once after publishing; read by whoever completes.
    volatile Cancellable timer;

    PendingRequest(Set<String> missingUids, List<Object> initial) {
      this.missingUids = missingUids;
      this.responses = new ArrayList<>(initial);
    }

    /** One node answered (or is gone, with no answers); completes once none is missing. */
    void answered(String nodeUid, List<?> answers, String requestId) {
      List<Object> result;
      synchronized (this) {
        if (!missingUids.remove(nodeUid)) return;
        responses.addAll(answers);
        if (!missingUids.isEmpty()) return;
        result = Collections.unmodifiableList(new ArrayList<>(responses));
      }
      finish(requestId, result, null);
    }

    void finish(String requestId, List<Object> result, Throwable error) {
      requests.remove(requestId, this);
      Cancellable t = timer;
      if (t != null) t.cancel();
      namespace().workers().execute(() -> {
        if (error != null) future.completeExceptionally(error);
        else future.complete(result);
      });
    }

    synchronized int missing() {
      return missingUids.size();
    }
  }

  protected ClusterAdapter(LocalNamespace namespace, ClusterAdapterOptions options) {
    super(namespace);
    this.options = options;
  }

  private static String randomId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** This node's id, random per adapter: what {@code uid} says in its messages. */
  public String uid() {
    return uid;
  }

  public ClusterAdapterOptions options() {
    return options;
  }

  // ---------------------------------------------------------------- transport

  /**
   * Sends {@code message} to every other node (a node may receive its own: it ignores it).
   * Completes with the message's offset in a shared log (a stream id), or null when the transport
   * has none; futures must complete in publish order.
   */
  protected abstract CompletableFuture<String> doPublish(ClusterMessage message);

  /** Sends {@code response} to the node {@code requesterUid}. */
  protected abstract CompletableFuture<Void> doPublishResponse(String requesterUid, ClusterResponse response);

  /** Publishes, pushing the next heartbeat back; failures are logged and complete with null. */
  protected CompletableFuture<String> publish(ClusterMessage message) {
    scheduleHeartbeat();
    CompletableFuture<String> published;
    try {
      published = doPublish(message);
    } catch (RuntimeException e) {
      published = CompletableFuture.failedFuture(e);
    }
    return published.exceptionally(error -> {
      LOG.log(System.Logger.Level.WARNING, "[" + uid + "] publishing " + message.type() + " failed", error);
      return null;
    });
  }

  /** Answers a request of node {@code requesterUid}; failures are logged. */
  protected void publishResponse(String requesterUid, ClusterResponse response) {
    try {
      doPublishResponse(requesterUid, response).exceptionally(error -> {
        LOG.log(System.Logger.Level.WARNING, "[" + uid + "] answering " + response.type() + " failed", error);
        return null;
      });
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "[" + uid + "] answering " + response.type() + " failed", e);
    }
  }

  // ---------------------------------------------------------------- lifecycle and heartbeats

  /** Announces this node ({@code INITIAL_HEARTBEAT}: the others answer with a heartbeat) and starts watching the others. */
  @Override
  public void init() {
    publish(new ClusterMessage.InitialHeartbeat(uid, namespace().name()));
    scheduleCleanup();
  }

  /** Tells the others this node leaves ({@code ADAPTER_CLOSE}) and stops its timers. */
  @Override
  public void close() {
    if (closed) return;
    publish(new ClusterMessage.AdapterClose(uid, namespace().name()));
    closed = true;
    synchronized (this) {
      if (heartbeatTimer != null) heartbeatTimer.cancel();
      if (cleanupTimer != null) cleanupTimer.cancel();
    }
  }

  private void scheduleHeartbeat() {
    if (closed) return;
    Cancellable next = namespace().scheduler().schedule(
        () -> publish(new ClusterMessage.Heartbeat(uid, namespace().name())), options.heartbeatInterval());
    Cancellable previous;
    synchronized (this) {
      previous = heartbeatTimer;
      heartbeatTimer = next;
    }
    if (previous != null) previous.cancel();
    if (closed) next.cancel();
  }

  private void scheduleCleanup() {
    if (closed) return;
    Cancellable next = namespace().scheduler().schedule(() -> {
      long now = namespace().scheduler().nowMillis();
      for (Map.Entry<String, Long> node : nodes.entrySet()) {
        if (now - node.getValue() > options.heartbeatTimeout().toMillis()) {
          LOG.log(System.Logger.Level.INFO, "[{0}] node {1} seems down", uid, node.getKey());
          removeNode(node.getKey());
        }
      }
      scheduleCleanup();
    }, CLEANUP_INTERVAL);
    synchronized (this) {
      cleanupTimer = next;
    }
    if (closed) next.cancel();
  }

  /** A node left or went silent: it no longer counts, and no request waits for it. */
  private void removeNode(String nodeUid) {
    nodes.remove(nodeUid);
    for (Map.Entry<String, PendingRequest> request : requests.entrySet()) {
      request.getValue().answered(nodeUid, List.of(), request.getKey());
    }
  }

  /** The other nodes heard from within the heartbeat timeout. */
  public Set<String> nodes() {
    return Set.copyOf(nodes.keySet());
  }

  @Override
  public CompletableFuture<Integer> serverCount() {
    return CompletableFuture.completedFuture(1 + nodes.size());
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Handles a message another node published ({@code offset}: its place in a shared log, or
   * null). Messages from this node are ignored (except its own broadcasts coming back from a shared
   * log, see {@link #readsOwnMessages}), and (except heartbeats) those for other namespaces.
   */
  protected void onMessage(ClusterMessage message, String offset) {
    if (uid.equals(message.uid())) {
      if (readsOwnMessages() && offset != null && message instanceof ClusterMessage.Broadcast own
          && own.requestId() == null && storable(own.packet(), own.opts())) {
        broadcastLocally(own.packet(), own.opts(), offset);
      }
      return;
    }
    if (message.uid() != null && !EMITTER_UID.equals(message.uid())) {
      nodes.put(message.uid(), namespace().scheduler().nowMillis());
    }
    switch (message.type()) {
      case INITIAL_HEARTBEAT -> publish(new ClusterMessage.Heartbeat(uid, namespace().name()));
      case HEARTBEAT -> { }
      case ADAPTER_CLOSE -> removeNode(message.uid());
      default -> {
        if (namespace().name().equals(message.nsp())) onNamespaceMessage(message, offset);
      }
    }
  }

  private void onNamespaceMessage(ClusterMessage message, String offset) {
    if (message instanceof ClusterMessage.Broadcast m) {
      if (m.requestId() == null) {
        broadcastLocally(m.packet(), m.opts(), storable(m.packet(), m.opts()) ? offsetOrNew(offset) : null);
        return;
      }
      String requester = m.uid();
      String nsp = namespace().name();
      super.broadcastWithAck(m.packet(), m.opts(),
          count -> publishResponse(requester, new ClusterResponse.BroadcastClientCount(uid, nsp, m.requestId(), count)),
          (error, args) -> {
            // A client that left cannot be reported in this protocol: the requester times out.
            if (error == null) {
              publishResponse(requester, new ClusterResponse.BroadcastAck(uid, nsp, m.requestId(),
                  args.isEmpty() ? null : args.get(0)));
            }
          });
    } else if (message instanceof ClusterMessage.SocketsJoin m) {
      super.addSockets(m.opts(), Set.copyOf(m.rooms()));
    } else if (message instanceof ClusterMessage.SocketsLeave m) {
      super.delSockets(m.opts(), Set.copyOf(m.rooms()));
    } else if (message instanceof ClusterMessage.DisconnectSockets m) {
      super.disconnectSockets(m.opts(), m.close());
    } else if (message instanceof ClusterMessage.FetchSockets m) {
      super.fetchSockets(m.opts()).thenAccept(local -> {
        List<SocketDetails> sockets = new ArrayList<>(local.size());
        for (RemoteSocket socket : local) sockets.add(SocketDetails.of(socket));
        publishResponse(m.uid(), new ClusterResponse.FetchSocketsResponse(uid, namespace().name(), m.requestId(), sockets));
      });
    } else if (message instanceof ClusterMessage.ServerSideEmit m) {
      if (m.requestId() == null) {
        namespace().onServerSideEmit(m.packet(), null);
      } else {
        String requester = m.uid();
        namespace().onServerSideEmit(m.packet(), answer -> publishResponse(requester,
            new ClusterResponse.ServerSideEmitResponse(uid, namespace().name(), m.requestId(), answer)));
      }
    } else {
      LOG.log(System.Logger.Level.DEBUG, "[{0}] unexpected message {1}", uid, message.type());
    }
  }

  /**
   * Handles a response another node sent to this one. Responses to requests that are over
   * (completed, timed out) are ignored.
   */
  protected void onResponse(ClusterResponse response) {
    if (uid.equals(response.uid())) return;
    if (response.uid() != null && !EMITTER_UID.equals(response.uid())) {
      nodes.put(response.uid(), namespace().scheduler().nowMillis());
    }
    if (response instanceof ClusterResponse.BroadcastClientCount r) {
      AckRequest request = ackRequests.get(r.requestId());
      if (request != null) request.clientCountCallback().accept(r.clientCount());
    } else if (response instanceof ClusterResponse.BroadcastAck r) {
      AckRequest request = ackRequests.get(r.requestId());
      if (request == null) return;
      try {
        request.ackCallback().onAck(null, Collections.singletonList(r.packet()));
      } catch (Exception e) {
        LOG.log(System.Logger.Level.ERROR, "broadcast ack callback failed", e);
      }
    } else if (response instanceof ClusterResponse.FetchSocketsResponse r) {
      PendingRequest request = requests.get(r.requestId());
      if (request == null) return;
      List<RemoteSocket> sockets = new ArrayList<>(r.sockets().size());
      for (SocketDetails details : r.sockets()) sockets.add(namespace().remoteSocket(details));
      request.answered(r.uid(), sockets, r.requestId());
    } else if (response instanceof ClusterResponse.ServerSideEmitResponse r) {
      PendingRequest request = requests.get(r.requestId());
      if (request != null) request.answered(r.uid(), Collections.singletonList(r.packet()), r.requestId());
    }
  }

  // ---------------------------------------------------------------- operations

  @Override
  public void broadcast(SocketPacket packet, BroadcastOptions opts) {
    if (opts.flags().local()) {
      super.broadcast(packet, opts);
      return;
    }
    ClusterMessage.Broadcast message = new ClusterMessage.Broadcast(uid, namespace().name(), packet, opts, null);
    if (!storable(packet, opts)) {
      // No offset to wait for: local clients get it at once, even while the other nodes are out
      // of reach.
      broadcastLocally(packet, opts, null);
      publish(message);
      return;
    }
    if (readsOwnMessages()) {
      // Delivered to local clients when the log hands it back (onMessage), in the log's order
      // like on every other node, so that each client's offsets only ever grow; delivered here
      // only if it never reached the log.
      publish(message).thenAccept(offset -> {
        if (offset == null) broadcastLocally(packet, opts, newOffset());
      });
      return;
    }
    // With recovery, every node must stamp the same offset, the one the publish returns: local
    // clients get the packet once the transport has it (as Node's adapter does).
    publish(message).thenAccept(offset -> broadcastLocally(packet, opts, offsetOrNew(offset)));
  }

  /**
   * Whether the transport hands this node its own published messages back, in the order of a log
   * all nodes share (a Redis stream does; a Pub/Sub does not). Then a broadcast that carries an
   * offset reaches this node's clients in that order too, not when its publish returns: a client
   * sees offsets in the order a recovery replays them, whichever node it is on.
   */
  protected boolean readsOwnMessages() {
    return false;
  }

  private String offsetOrNew(String offset) {
    return offset != null ? offset : newOffset();
  }

  @Override
  public void broadcastWithAck(SocketPacket packet, BroadcastOptions opts, IntConsumer clientCountCallback,
      AckCallback ackCallback) {
    if (!opts.flags().local()) {
      String requestId = randomId();
      ackRequests.put(requestId, new AckRequest(clientCountCallback, ackCallback));
      publish(new ClusterMessage.Broadcast(uid, namespace().name(), packet, opts, requestId));
      // There is no telling here when every answer is in: the entry goes at the caller's timeout.
      Duration keep = opts.flags().timeout() != null ? Duration.ofMillis(opts.flags().timeout()) : options.requestTimeout();
      namespace().scheduler().schedule(() -> ackRequests.remove(requestId), keep);
    }
    super.broadcastWithAck(packet, opts, clientCountCallback, ackCallback);
  }

  @Override
  public void addSockets(BroadcastOptions opts, Set<String> rooms) {
    if (opts.flags().local()) {
      super.addSockets(opts, rooms);
      return;
    }
    publish(new ClusterMessage.SocketsJoin(uid, namespace().name(), opts, List.copyOf(rooms)))
        .thenRun(() -> super.addSockets(opts, rooms));
  }

  @Override
  public void delSockets(BroadcastOptions opts, Set<String> rooms) {
    if (opts.flags().local()) {
      super.delSockets(opts, rooms);
      return;
    }
    publish(new ClusterMessage.SocketsLeave(uid, namespace().name(), opts, List.copyOf(rooms)))
        .thenRun(() -> super.delSockets(opts, rooms));
  }

  @Override
  public void disconnectSockets(BroadcastOptions opts, boolean close) {
    if (opts.flags().local()) {
      super.disconnectSockets(opts, close);
      return;
    }
    publish(new ClusterMessage.DisconnectSockets(uid, namespace().name(), opts, close))
        .thenRun(() -> super.disconnectSockets(opts, close));
  }

  @Override
  public CompletableFuture<List<RemoteSocket>> fetchSockets(BroadcastOptions opts) {
    CompletableFuture<List<RemoteSocket>> local = super.fetchSockets(opts);
    if (opts.flags().local() || nodes.isEmpty()) return local;
    List<RemoteSocket> mine = local.join(); // the in-memory fetch is already complete
    Duration timeout = opts.flags().timeout() != null ? Duration.ofMillis(opts.flags().timeout()) : options.requestTimeout();
    String requestId = randomId();
    PendingRequest request = request(requestId, new ArrayList<>(mine), timeout,
        missing -> new TimeoutException("timeout reached: missing " + missing + " responses to fetchSockets"));
    publish(new ClusterMessage.FetchSockets(uid, namespace().name(), opts, requestId));
    return request.future.thenApply(all -> {
      List<RemoteSocket> sockets = new ArrayList<>(all.size());
      for (Object socket : all) sockets.add((RemoteSocket) socket);
      return Collections.unmodifiableList(sockets);
    });
  }

  @Override
  public void serverSideEmit(List<Object> eventData) {
    publish(new ClusterMessage.ServerSideEmit(uid, namespace().name(), null, eventData));
  }

  @Override
  public CompletableFuture<List<Object>> serverSideEmitWithAck(List<Object> eventData, Duration timeout) {
    if (nodes.isEmpty()) return CompletableFuture.completedFuture(List.of());
    String requestId = randomId();
    PendingRequest request = request(requestId, List.of(),
        timeout != null ? timeout : options.requestTimeout(),
        missing -> new AckTimeoutException("timeout reached: missing " + missing + " responses to serverSideEmit"));
    publish(new ClusterMessage.ServerSideEmit(uid, namespace().name(), requestId, eventData));
    return request.future;
  }

  /** Registers a request waiting for every node known now, failing after {@code timeout}. */
  private PendingRequest request(String requestId, List<Object> initial, Duration timeout,
      java.util.function.IntFunction<Exception> timeoutError) {
    PendingRequest request = new PendingRequest(new HashSet<>(nodes.keySet()), initial);
    requests.put(requestId, request);
    if (request.missing() == 0) {
      request.finish(requestId, request.responses, null); // every node left meanwhile
      return request;
    }
    request.timer = namespace().scheduler().schedule(() -> {
      if (requests.remove(requestId, request)) request.finish(requestId, null, timeoutError.apply(request.missing()));
    }, timeout);
    return request;
  }
}
