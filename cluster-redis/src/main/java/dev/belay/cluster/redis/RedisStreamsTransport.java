package dev.belay.cluster.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves cluster messages between the nodes of a cluster through Redis, as the Node Redis Streams
 * adapter does: lasting messages are appended to one stream ({@code XADD … MAXLEN ~ maxLen}) and
 * read by every node with a blocking {@code XREAD}; requests whose answers only matter now go over
 * the namespace's Pub/Sub channel, and responses over the requester's own channel. One transport
 * serves every namespace of a server.
 *
 * <pre>{@code
 * RedisStreamsTransport transport = new RedisStreamsTransport(RedisClient.create("redis://127.0.0.1:6379"),
 *     RedisStreamsOptions.defaults());
 * transport.register("/", uid, (message, offset) -> adapter.onMessage(message, offset));
 * transport.publish(message).thenAccept(offset -> ...);
 * }</pre>
 *
 * <p>Threads: the stream is read on one dedicated thread (never an I/O thread), which also delivers
 * stream messages in order; Pub/Sub messages arrive on Lettuce's event loop and are handed to one
 * dispatch thread. Publishing never blocks: it returns Lettuce's future. When Redis goes away the
 * reader logs once, retries every {@code retryDelay}, and resumes after the last entry it read, so
 * it misses nothing that reached the stream meanwhile (while it is within {@code maxLen}); Lettuce
 * reconnects the connections and their subscriptions.
 */
public final class RedisStreamsTransport implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RedisStreamsTransport.class.getName());
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  /**
   * Receives the messages of one namespace. Called on the reader or the dispatch thread, in order
   * per source. Stream entries come in the stream's order, this node's own included (so that it
   * can deliver its own broadcasts in the order every node does); Pub/Sub messages exclude its own.
   */
  @FunctionalInterface
  public interface Listener {
    /** {@code offset} is the stream entry id, or {@code null} for a Pub/Sub message. */
    void onMessage(ClusterWireMessage message, String offset);
  }

  /** One namespace's node id and listener. */
  private record Registration(String uid, Listener listener) {}

  private final RedisStreamsOptions options;
  /** Commands that do not block (XADD, PUBLISH, SET, XRANGE…); Lettuce's connection is thread-safe. */
  private final StatefulRedisConnection<String, byte[]> commands;
  /** The blocking XREAD; used by the reader thread only. */
  private final StatefulRedisConnection<String, byte[]> reader;
  /** Subscriptions; Lettuce re-subscribes after a reconnect. Thread-safe. */
  private final StatefulRedisPubSubConnection<String, byte[]> subscriber;
  /** Namespace name to registration; written by register/unregister on any thread. */
  private final Map<String, Registration> namespaces = new ConcurrentHashMap<>();
  /** Delivers Pub/Sub messages off Lettuce's event loop, in arrival order. */
  private final ExecutorService dispatch;
  private final Thread readerThread;
  /** Guards {@link #running} for the reader's retry wait. */
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition stopped = lock.newCondition();
  /** False once closed; written under {@link #lock}, read by the reader thread. */
  private volatile boolean running = true;
  /** The id of the last stream entry read, null until the reader has asked Redis where the stream ends; written only by the reader thread. */
  private volatile String lastId;
  /** Pub/Sub payloads handled so far, decodable or not; written by the dispatch thread, read by tests. */
  private final java.util.concurrent.atomic.AtomicLong pubSubHandled = new java.util.concurrent.atomic.AtomicLong();
  /** Publishes sent to Lettuce and not yet answered by Redis; any thread. */
  private final java.util.concurrent.atomic.AtomicInteger pendingPublishes = new java.util.concurrent.atomic.AtomicInteger();
  /** Whether publishes are being refused (set at the bound, cleared below half of it); any thread. */
  private final java.util.concurrent.atomic.AtomicBoolean refusing = new java.util.concurrent.atomic.AtomicBoolean();
  /** Completed by the reader once it knows where the stream ends; thread-safe. */
  private final CompletableFuture<Void> reading = new CompletableFuture<>();

  /** Connects to Redis through {@code client} and starts reading the stream. */
  public RedisStreamsTransport(RedisClient client, RedisStreamsOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    this.commands = client.connect(CODEC);
    this.reader = client.connect(CODEC);
    // A blocking read must not be cut by the command timeout; an outage still ends it in bounded time.
    reader.setTimeout(options.blockTime().plus(Duration.ofSeconds(5)));
    this.subscriber = client.connectPubSub(CODEC);
    this.dispatch = Executors.newSingleThreadExecutor(r -> daemon(r, "belay-redis-dispatch"));
    subscriber.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, byte[] payload) {
        dispatch.execute(() -> onPubSub(payload));
      }
    });
    this.readerThread = daemon(this::readLoop, "belay-redis-stream-reader");
    readerThread.start();
  }

  /**
   * Whether its connections to Redis are up (commands, stream reader and subscriber): false while
   * Lettuce reconnects after an outage, and once closed.
   */
  public boolean connected() {
    return running && commands.isOpen() && reader.isOpen() && subscriber.isOpen();
  }

  /** The options this transport runs with. */
  public RedisStreamsOptions options() {
    return options;
  }

  /**
   * Starts delivering the messages of namespace {@code nsp} to {@code listener} and subscribes to
   * its public channel and to node {@code uid}'s private channel; the future completes once
   * subscribed (other nodes count this node from then on).
   */
  public CompletableFuture<Void> register(String nsp, String uid, Listener listener) {
    namespaces.put(nsp, new Registration(uid, listener));
    return subscriber.async().subscribe(options.publicChannel(nsp), options.privateChannel(nsp, uid))
        .toCompletableFuture().thenApply(ignored -> null);
  }

  /** Stops delivering namespace {@code nsp} and leaves its channels. */
  public CompletableFuture<Void> unregister(String nsp) {
    Registration registration = namespaces.remove(nsp);
    if (registration == null || !subscriber.isOpen()) return CompletableFuture.completedFuture(null);
    return subscriber.async().unsubscribe(options.publicChannel(nsp), options.privateChannel(nsp, registration.uid()))
        .toCompletableFuture().thenApply(ignored -> null);
  }

  /**
   * Publishes {@code message}: over Pub/Sub when it is ephemeral (the future then holds
   * {@code ""}), otherwise appended to the stream (the future holds the entry id, the offset a
   * recovering client resumes from).
   */
  public CompletableFuture<String> publish(ClusterWireMessage message) {
    if (!admit()) return refused();
    CompletableFuture<String> sent;
    if (message.isEphemeral()) {
      sent = commands.async().publish(options.publicChannel(message.nsp()), ClusterWire.toPubSub(message))
          .toCompletableFuture().thenApply(receivers -> "");
    } else {
      Map<String, byte[]> body = new LinkedHashMap<>();
      ClusterWire.toStreamFields(message).forEach((k, v) -> body.put(k, v.getBytes(StandardCharsets.UTF_8)));
      XAddArgs args = XAddArgs.Builder.maxlen(options.maxLen()).approximateTrimming();
      sent = commands.async().xadd(options.streamName(), args, body).toCompletableFuture();
    }
    return sent.whenComplete((offset, error) -> release());
  }

  /** Sends {@code response} to node {@code requesterUid} over its private channel. */
  public CompletableFuture<Void> publishResponse(String requesterUid, ClusterWireMessage response) {
    if (!admit()) return refused();
    return commands.async().publish(options.privateChannel(response.nsp(), requesterUid), ClusterWire.toPubSub(response))
        .toCompletableFuture().<Void>thenApply(receivers -> null).whenComplete((ignored, error) -> release());
  }

  /** Takes a place among the pending publishes, or says the bound is reached (logged once per outage). */
  private boolean admit() {
    if (pendingPublishes.incrementAndGet() <= options.maxPendingPublishes()) return true;
    pendingPublishes.decrementAndGet();
    if (refusing.compareAndSet(false, true)) {
      LOG.log(System.Logger.Level.WARNING, options.maxPendingPublishes() + " cluster messages are waiting for Redis: "
          + "further ones are dropped until Redis answers again");
    }
    return false;
  }

  private void release() {
    if (pendingPublishes.decrementAndGet() < options.maxPendingPublishes() / 2) refusing.set(false);
  }

  private static <T> CompletableFuture<T> refused() {
    return CompletableFuture.failedFuture(new IllegalStateException("too many cluster messages waiting for Redis"));
  }

  /**
   * How many nodes serve namespace {@code nsp}, this one included: the subscribers of its public
   * channel, as the Node adapter counts them. A node that dies drops out as soon as Redis sees its
   * connection close.
   */
  public CompletableFuture<Long> serverCount(String nsp) {
    String channel = options.publicChannel(nsp);
    return commands.async().pubsubNumsub(channel).toCompletableFuture()
        .thenApply(counts -> counts.getOrDefault(channel, 0L));
  }

  /**
   * Completes once the reader knows where the stream ends: every entry appended after that reaches
   * this node. Later than construction when Redis is down at start.
   */
  public CompletableFuture<Void> reading() {
    return reading;
  }

  /**
   * The ids of the nodes that serve namespace {@code nsp}, this one included: every node
   * subscribes to its private channel {@code socket.io#<nsp>#<uid>#}, so the channels with
   * subscribers name the live nodes, Node ones included (Node adapter 0.3 sends no heartbeats).
   * A node killed drops out as soon as Redis sees its connection close.
   */
  public CompletableFuture<Set<String>> nodes(String nsp) {
    String prefix = options.publicChannel(nsp);
    return commands.async().pubsubChannels(globEscape(prefix) + "?*#").toCompletableFuture().thenApply(channels -> {
      Set<String> uids = new HashSet<>();
      for (String channel : channels) {
        String uid = channel.substring(prefix.length(), channel.length() - 1);
        if (!uid.isEmpty() && uid.indexOf('#') < 0) uids.add(uid);
      }
      return uids;
    });
  }

  private static String globEscape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 4);
    for (char c : text.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') out.append('\\');
      out.append(c);
    }
    return out.toString();
  }

  /** The connection for the session store; shared, thread-safe. */
  StatefulRedisConnection<String, byte[]> commands() {
    return commands;
  }

  /** The id of the last stream entry this node read, {@code "0-0"} for an empty stream, null before the first read. */
  public String lastReadId() {
    return lastId;
  }

  private String latestId() {
    List<StreamMessage<String, byte[]>> last =
        commands.sync().xrevrange(options.streamName(), Range.unbounded(), Limit.create(0, 1));
    return last.isEmpty() ? "0-0" : last.get(0).getId();
  }

  private void readLoop() {
    boolean failing = false;
    XReadArgs args = XReadArgs.Builder.block(options.blockTime()).count(options.readCount());
    while (running) {
      try {
        if (lastId == null) {
          lastId = latestId();
          reading.complete(null);
        }
        List<StreamMessage<String, byte[]>> entries =
            reader.sync().xread(args, XReadArgs.StreamOffset.from(options.streamName(), lastId));
        if (failing) {
          LOG.log(System.Logger.Level.INFO, "Redis is reachable again; reading the stream " + options.streamName() + " after " + lastId);
          failing = false;
        }
        for (StreamMessage<String, byte[]> entry : entries) {
          deliver(entry);
          lastId = entry.getId();
        }
      } catch (RuntimeException e) {
        if (!running) break;
        if (!failing) {
          LOG.log(System.Logger.Level.WARNING, "cannot read the Redis stream " + options.streamName() + " (" + e.getMessage()
              + "); local clients are still served, retrying every " + options.retryDelay().toMillis() + " ms");
          failing = true;
        }
        awaitRetry();
      }
    }
  }

  private void deliver(StreamMessage<String, byte[]> entry) {
    Map<String, String> fields = new LinkedHashMap<>();
    entry.getBody().forEach((k, v) -> fields.put(k, new String(v, StandardCharsets.UTF_8)));
    if (!ClusterWire.isClusterEntry(fields)) return;
    Registration registration = namespaces.get(fields.get("nsp"));
    if (registration == null) return;
    ClusterWireMessage message;
    try {
      message = ClusterWire.fromStreamFields(fields);
    } catch (ClusterWireException e) {
      LOG.log(System.Logger.Level.DEBUG, "dropped stream entry " + entry.getId() + ": " + e.getMessage());
      return;
    }
    call(registration, message, entry.getId());
  }

  private void onPubSub(byte[] payload) {
    try {
      handlePubSub(payload);
    } finally {
      pubSubHandled.incrementAndGet();
    }
  }

  /** How many Pub/Sub payloads this transport has handled (for tests that wait for quiet). */
  long pubSubHandled() {
    return pubSubHandled.get();
  }

  private void handlePubSub(byte[] payload) {
    ClusterWireMessage message;
    try {
      message = ClusterWire.fromPubSub(payload);
    } catch (ClusterWireException e) {
      LOG.log(System.Logger.Level.DEBUG, "dropped Pub/Sub message: " + e.getMessage());
      return;
    }
    Registration registration = namespaces.get(message.nsp());
    if (registration == null || message.uid().equals(registration.uid())) return;
    call(registration, message, null);
  }

  private static void call(Registration registration, ClusterWireMessage message, String offset) {
    try {
      registration.listener().onMessage(message, offset);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cluster message of type " + message.type() + " failed", e);
    }
  }

  private void awaitRetry() {
    lock.lock();
    try {
      if (running) stopped.await(options.retryDelay().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } finally {
      lock.unlock();
    }
  }

  /** Stops reading, leaves every channel and closes the connections; idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (!running) return;
      running = false;
      stopped.signalAll();
    } finally {
      lock.unlock();
    }
    namespaces.clear();
    subscriber.closeAsync();
    reader.closeAsync();
    commands.closeAsync();
    dispatch.shutdown();
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
