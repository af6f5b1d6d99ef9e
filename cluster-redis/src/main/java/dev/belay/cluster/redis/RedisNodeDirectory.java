package dev.belay.cluster.redis;

import dev.belay.engine.Cancellable;
import dev.belay.engine.EngineScheduler;
import dev.belay.engine.SessionIds;
import dev.belay.engine.SessionOwners;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The nodes of a cluster without sticky sessions, kept in Redis: each node advertises its node
 * tag and internal {@code host:port} in one hash ({@code <streamName>:belay-nodes}, field = tag,
 * value = {@code "<host:port> <expiry in epoch ms>"}), rewritten every {@link #ADVERTISE_INTERVAL}
 * with an expiry {@link #TTL} ahead, and reads the whole hash as often into a local map, which
 * {@link #addressOf} answers from without a round trip. A tag the map lacks is looked up in Redis
 * once ({@link #lookup}; a miss is remembered until the next read). A node killed with
 * {@code kill -9} stops rewriting its entry: within {@code TTL} plus one read it is gone, and
 * requests for its sessions get the "unknown session" answer. A node that closes removes its entry.
 *
 * <p>The address is the one configured ({@link RedisStreamsOptions#internalAddress}), else the
 * local address the first request reached this node at; nothing is advertised before either is
 * known (a node that has served no request holds no session).
 *
 * <pre>{@code
 * RedisStreamsOptions.builder().forwarding(true).build();   // installs a directory on the server
 * }</pre>
 *
 * <p>Threading: timers run on the engine scheduler and only issue asynchronous commands on the
 * transport's shared connection; results arrive on Lettuce's threads. Every method is thread-safe
 * and none blocks.
 */
final class RedisNodeDirectory implements SessionOwners {
  private static final System.Logger LOG = System.getLogger(RedisNodeDirectory.class.getName());
  /** How often a node rewrites its entry and reads the others'. */
  static final Duration ADVERTISE_INTERVAL = Duration.ofSeconds(1);
  /** How long an entry counts after its last rewrite: a node silent this long is dead. */
  static final Duration TTL = Duration.ofSeconds(3);
  /** Entries expired longer ago than this are deleted by whoever reads them. */
  private static final long PRUNE_AFTER_MILLIS = 60_000;
  /** How long a lookup in Redis may take before the request is served as unknown here. */
  private static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

  private final StatefulRedisConnection<String, byte[]> commands;
  private final EngineScheduler scheduler;
  private final String key;
  private final String tag;
  /** The advertised address: configured, or learnt from the first request; null until known. Any thread. */
  private volatile String address;
  /** Live peers, tag to address, as of the last read; replaced whole (an immutable map). Any thread. */
  private volatile Map<String, String> peers = Map.of();
  /** Tags looked up in Redis and not found, until the next read; thread-safe. */
  private final Map<String, Boolean> misses = new ConcurrentHashMap<>();
  /** The next advertise-and-read; guarded by this. */
  private Cancellable timer;
  /** Set once by close; any thread. */
  private volatile boolean closed;
  /**
   * Completes when this node's entry was first written, or {@link #LOOKUP_TIMEOUT} after its
   * address became known if Redis does not answer (handshakes wait for it; an outage must not
   * refuse them). Thread-safe.
   */
  private final CompletableFuture<Void> advertised = new CompletableFuture<>();

  RedisNodeDirectory(StatefulRedisConnection<String, byte[]> commands, EngineScheduler scheduler,
      RedisStreamsOptions options) {
    this.commands = commands;
    this.scheduler = scheduler;
    this.key = options.streamName() + ":belay-nodes";
    this.tag = SessionIds.tagFor(UUID.randomUUID().toString());
    this.address = options.internalAddress();
    if (address != null) stopWaitingForRedisLater();
    tick();
  }

  @Override
  public String localTag() {
    return tag;
  }

  /** The address this node advertises, or null until known. */
  String address() {
    return address;
  }

  @Override
  public String addressOf(String nodeTag) {
    return peers.get(nodeTag);
  }

  @Override
  public CompletionStage<String> lookup(String nodeTag) {
    if (closed || misses.containsKey(nodeTag)) return CompletableFuture.completedFuture(null);
    return commands.async().hget(key, nodeTag).toCompletableFuture()
        .orTimeout(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handle((value, error) -> {
          String found = error == null ? liveAddress(value, System.currentTimeMillis()) : null;
          if (found == null) {
            misses.put(nodeTag, Boolean.TRUE);
          } else {
            Map<String, String> updated = new HashMap<>(peers);
            updated.put(nodeTag, found);
            peers = Map.copyOf(updated);
          }
          return found;
        });
  }

  @Override
  public void reachedAt(String hostPort) {
    if (address != null) return;
    synchronized (this) {
      if (address != null) return;
      address = hostPort;
    }
    stopWaitingForRedisLater();
    advertise();
  }

  @Override
  public CompletionStage<Void> advertised() {
    return advertised;
  }

  private void stopWaitingForRedisLater() {
    scheduler.schedule(() -> advertised.complete(null), LOOKUP_TIMEOUT);
  }

  /** Advertises, reads, and schedules the next round. */
  private void tick() {
    if (closed) return;
    advertise();
    read();
    synchronized (this) {
      if (!closed) timer = scheduler.schedule(this::tick, ADVERTISE_INTERVAL);
    }
  }

  private void advertise() {
    String at = address;
    if (at == null || closed) return;
    long expiry = System.currentTimeMillis() + TTL.toMillis();
    commands.async().hset(key, tag, (at + " " + expiry).getBytes(StandardCharsets.UTF_8)).thenRun(() -> advertised.complete(null)).exceptionally(error -> {
      LOG.log(System.Logger.Level.DEBUG, () -> "cannot advertise node " + tag + ": " + error);
      return null;
    });
  }

  private void read() {
    commands.async().hgetall(key).toCompletableFuture().whenComplete((all, error) -> {
      if (error != null || closed) return; // Redis away: keep the last map, the next read retries
      long now = System.currentTimeMillis();
      Map<String, String> live = new HashMap<>();
      List<String> stale = new ArrayList<>();
      for (Map.Entry<String, byte[]> e : all.entrySet()) {
        String found = liveAddress(e.getValue(), now);
        if (found != null) {
          if (!e.getKey().equals(tag)) live.put(e.getKey(), found);
        } else if (expiry(e.getValue()) < now - PRUNE_AFTER_MILLIS) {
          stale.add(e.getKey());
        }
      }
      peers = Map.copyOf(live);
      misses.clear();
      if (!stale.isEmpty()) commands.async().hdel(key, stale.toArray(String[]::new));
    });
  }

  /** The address in an entry that has not expired at {@code now}, or null (also for a malformed one). */
  private static String liveAddress(byte[] value, long now) {
    if (value == null) return null;
    String text = new String(value, StandardCharsets.UTF_8);
    int space = text.lastIndexOf(' ');
    if (space <= 0 || expiry(value) <= now) return null;
    return text.substring(0, space);
  }

  private static long expiry(byte[] value) {
    String text = new String(value, StandardCharsets.UTF_8);
    int space = text.lastIndexOf(' ');
    try {
      return space < 0 ? 0 : Long.parseLong(text.substring(space + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** Stops advertising and removes this node's entry (its sessions are unknown at once); completes when Redis answered or gave up. */
  CompletableFuture<Void> close() {
    synchronized (this) {
      if (closed) return CompletableFuture.completedFuture(null);
      closed = true;
      if (timer != null) timer.cancel();
    }
    if (!commands.isOpen()) return CompletableFuture.completedFuture(null);
    return commands.async().hdel(key, tag).toCompletableFuture()
        .orTimeout(LOOKUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .handle((removed, error) -> null);
  }
}
