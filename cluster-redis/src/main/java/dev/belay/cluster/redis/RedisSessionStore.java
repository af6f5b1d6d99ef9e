package dev.belay.cluster.redis;

import dev.belay.adapter.SessionToPersist;
import io.lettuce.core.Range;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Keeps the sessions of disconnected clients in Redis for connection state recovery, with the Node
 * adapter's keys and encoding ({@code sio:session:<pid>} holding base64 of the MessagePack of
 * {@code {sid, pid, rooms, data}}, expiring after the recovery window), so a client that
 * disconnected from a Node node can recover on a Belay node and back. Missed packets are read from
 * the stream itself: the broadcasts after the client's offset.
 *
 * <pre>{@code
 * store.persist(new StoredSession("sid", "pid", List.of("sid", "room"), Map.of(), List.of()), Duration.ofSeconds(30));
 * store.restore("/", "pid", "1700000000000-0").thenAccept(found -> found.ifPresent(session -> ...));
 * }</pre>
 *
 * <p>Thread-safe; every call is asynchronous on Lettuce's connection. Restoring consumes the key.
 */
public final class RedisSessionStore {
  /** How many XRANGE calls one restore makes at most, as the Node adapter. */
  static final int MAX_RANGE_CALLS = 100;
  /** Entries read per XRANGE call. */
  static final int RANGE_COUNT = 1000;
  private static final Pattern OFFSET = Pattern.compile("^[0-9]+-[0-9]+$");
  /** The key of a session's resume point in its record, next to the Node adapter's four. */
  static final String RESUME_POINT = "resumePoint";
  /** The resume point of a socket created before its node read any entry of an empty stream. */
  static final String STREAM_START = "0-0";

  /**
   * A session: the socket's id, its private id, rooms and data, on restore the argument lists of
   * the event packets it missed, each ending with its stream offset, and where a client that got
   * no packet yet resumes from (the last stream entry its node had read when the socket was
   * created; null when unknown, as in sessions a Node node stored).
   */
  public record StoredSession(String sid, String pid, List<String> rooms, Object data, List<List<Object>> missedPackets,
      String resumePoint) {
    /** A session whose resume point is unknown. */
    public StoredSession(String sid, String pid, List<String> rooms, Object data, List<List<Object>> missedPackets) {
      this(sid, pid, rooms, data, missedPackets, null);
    }

    /** The session the socket layer hands over to be kept. */
    static StoredSession of(SessionToPersist session) {
      return new StoredSession(session.sid(), session.pid(), session.rooms(), session.data(), List.of(),
          session.resumePoint());
    }
  }

  private final StatefulRedisConnection<String, byte[]> connection;
  private final RedisStreamsOptions options;

  RedisSessionStore(StatefulRedisConnection<String, byte[]> connection, RedisStreamsOptions options) {
    this.connection = connection;
    this.options = options;
  }

  /** A store on {@code transport}'s connection and options. */
  public static RedisSessionStore on(RedisStreamsTransport transport) {
    return new RedisSessionStore(transport.commands(), transport.options());
  }

  /**
   * Encodes a session as the Node adapter stores it: base64 of MessagePack {sid, pid, rooms, data},
   * plus {@code resumePoint} when known (the Node adapter ignores it).
   */
  static String encode(StoredSession session) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("sid", session.sid());
    map.put("pid", session.pid());
    map.put("rooms", session.rooms());
    map.put("data", session.data());
    if (session.resumePoint() != null) map.put(RESUME_POINT, session.resumePoint());
    return Base64.getEncoder().encodeToString(MessagePack.encode(map));
  }

  /** Decodes a stored session; its missed packets are empty, its resume point null unless a valid one is there. */
  static StoredSession decode(String stored) throws ClusterWireException {
    Object value;
    try {
      value = MessagePack.decode(Base64.getDecoder().decode(stored));
    } catch (IllegalArgumentException e) {
      throw new ClusterWireException("stored session is not base64", e);
    }
    if (!(value instanceof Map<?, ?> map) || !(map.get("sid") instanceof String sid)
        || !(map.get("pid") instanceof String pid) || !(map.get("rooms") instanceof List<?> rooms)) {
      throw new ClusterWireException("stored session lacks sid, pid or rooms: " + value);
    }
    List<String> roomNames = new ArrayList<>();
    for (Object room : rooms) roomNames.add(String.valueOf(room));
    String resumePoint = map.get(RESUME_POINT) instanceof String point && OFFSET.matcher(point).matches() ? point : null;
    return new StoredSession(sid, pid, List.copyOf(roomNames), map.get("data"), List.of(), resumePoint);
  }

  /** Stores {@code session} under its pid for {@code ttl}. */
  public CompletableFuture<Void> persist(StoredSession session, Duration ttl) {
    byte[] value = encode(session).getBytes(StandardCharsets.US_ASCII);
    return connection.async().set(options.sessionKeyPrefix() + session.pid(), value, SetArgs.Builder.px(ttl.toMillis()))
        .toCompletableFuture().thenApply(ok -> null);
  }

  /**
   * Finds the session {@code pid} of namespace {@code nsp} and the broadcasts it missed after
   * {@code offset} (null: after the session's resume point, for a client that got no packet);
   * empty when the offset is malformed or gone from the stream, the session has no resume point
   * for a client without offset, or the session expired or was left on purpose.
   */
  public CompletableFuture<Optional<StoredSession>> restore(String nsp, String pid, String offset) {
    return restore(nsp, pid, offset, found -> { });
  }

  /**
   * As {@link #restore(String, String, String)}, calling {@code beforeReading} with the session once
   * it is found and before the missed broadcasts are read (so that an adapter can start holding
   * the live ones first, and none falls between).
   */
  public CompletableFuture<Optional<StoredSession>> restore(String nsp, String pid, String offset,
      java.util.function.Consumer<StoredSession> beforeReading) {
    String key = options.sessionKeyPrefix() + pid;
    if (offset == null) {
      // A client that got no packet: the point to read after is in the session itself.
      return readKey(key).thenApply(RedisSessionStore::decodeOrNull).thenCompose(session ->
          session == null || session.resumePoint() == null ? CompletableFuture.completedFuture(Optional.empty())
              : intactAfter(session.resumePoint()).thenCompose(intact ->
                  replay(nsp, intact ? session : null, session.resumePoint(), beforeReading)));
    }
    if (!OFFSET.matcher(offset).matches()) return CompletableFuture.completedFuture(Optional.empty());
    // One round trip: the session and the offset's entry are read at once.
    return readKey(key).thenCombine(entryExists(offset), (stored, exists) -> exists ? decodeOrNull(stored) : null)
        .thenCompose(session -> replay(nsp, session, offset, beforeReading));
  }

  /** The stored session, or null when there is none or it cannot be read. */
  private static StoredSession decodeOrNull(byte[] stored) {
    if (stored == null) return null;
    try {
      return decode(new String(stored, StandardCharsets.US_ASCII));
    } catch (ClusterWireException e) {
      return null;
    }
  }

  /** {@code session} (none when null) with the broadcasts it missed after {@code after}, read once {@code beforeReading} ran. */
  private CompletableFuture<Optional<StoredSession>> replay(String nsp, StoredSession session, String after,
      java.util.function.Consumer<StoredSession> beforeReading) {
    if (session == null) return CompletableFuture.completedFuture(Optional.empty());
    beforeReading.accept(session);
    return missedAfter(nsp, session, after, new ArrayList<>(), 0).thenApply(Optional::of);
  }

  /**
   * Whether the stream still holds every entry after {@code point}: the entry itself is there, or
   * for the start of the stream, it holds every entry ever added (Redis 7's {@code entries-added}
   * equals its {@code length}: nothing trimmed or deleted; on older servers that cannot be told,
   * and the answer is no), or it does not exist (nothing was ever added).
   */
  private CompletableFuture<Boolean> intactAfter(String point) {
    if (!STREAM_START.equals(point)) return entryExists(point);
    return connection.async().xinfoStream(options.streamName()).toCompletableFuture().handle((info, error) -> {
      if (error != null) return String.valueOf(error.getMessage()).contains("no such key");
      String length = null;
      String added = null;
      for (int i = 0; i + 1 < info.size(); i += 2) {
        String field = text(info.get(i));
        if (field.equals("length")) length = text(info.get(i + 1));
        if (field.equals("entries-added")) added = text(info.get(i + 1));
      }
      return added != null && added.equals(length);
    });
  }

  private static String text(Object value) {
    return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(value);
  }

  /**
   * Reads the session without deleting it: a client whose first attempt to resume died on the way
   * (its connection cut while this node was still reading) tries again, maybe through another
   * node at the same moment, and must find it there. The entry goes when it expires or is
   * replaced by the live socket's own (written on connect, deleted on a purposeful leave).
   */
  private CompletableFuture<byte[]> readKey(String key) {
    return connection.async().get(key).toCompletableFuture();
  }

  private CompletableFuture<Boolean> entryExists(String offset) {
    return connection.async().xrange(options.streamName(), Range.create(offset, offset)).toCompletableFuture()
        .thenApply(entries -> !entries.isEmpty());
  }

  private CompletableFuture<StoredSession> missedAfter(String nsp, StoredSession session, String offset,
      List<List<Object>> missed, int call) {
    if (call >= MAX_RANGE_CALLS) return CompletableFuture.completedFuture(withMissed(session, missed));
    Range<String> after = Range.from(Range.Boundary.excluding(offset), Range.Boundary.unbounded());
    return connection.async().xrange(options.streamName(), after, io.lettuce.core.Limit.create(0, RANGE_COUNT))
        .toCompletableFuture().thenCompose(entries -> {
          if (entries.isEmpty()) return CompletableFuture.completedFuture(withMissed(session, missed));
          String last = offset;
          for (StreamMessage<String, byte[]> entry : entries) {
            collect(nsp, session, entry, missed);
            last = entry.getId();
          }
          if (entries.size() < RANGE_COUNT) return CompletableFuture.completedFuture(withMissed(session, missed));
          return missedAfter(nsp, session, last, missed, call + 1);
        });
  }

  @SuppressWarnings("unchecked")
  private static void collect(String nsp, StoredSession session, StreamMessage<String, byte[]> entry,
      List<List<Object>> missed) {
    Map<String, String> fields = new LinkedHashMap<>();
    entry.getBody().forEach((k, v) -> fields.put(k, new String(v, StandardCharsets.UTF_8)));
    if (!nsp.equals(fields.get("nsp")) || !"3".equals(fields.get("type"))) return;
    try {
      ClusterWireMessage message = ClusterWire.fromStreamFields(fields);
      Map<String, Object> opts = (Map<String, Object>) message.data().get("opts");
      Map<String, Object> packet = (Map<String, Object>) message.data().get("packet");
      if (!(packet.get("data") instanceof List<?> args) || !shouldInclude(session.rooms(), opts)) return;
      List<Object> withOffset = new ArrayList<>(args);
      withOffset.add(entry.getId());
      missed.add(withOffset);
    } catch (ClusterWireException | ClassCastException | NullPointerException e) {
      // not a broadcast this store can read: the Node adapter would fail on it too; skip it
    }
  }

  private static boolean shouldInclude(List<String> sessionRooms, Map<String, Object> opts) {
    List<?> rooms = (List<?>) opts.getOrDefault("rooms", List.of());
    List<?> except = (List<?>) opts.getOrDefault("except", List.of());
    boolean included = rooms.isEmpty() || sessionRooms.stream().anyMatch(rooms::contains);
    boolean excluded = sessionRooms.stream().anyMatch(except::contains);
    return included && !excluded;
  }

  private static StoredSession withMissed(StoredSession session, List<List<Object>> missed) {
    return new StoredSession(session.sid(), session.pid(), session.rooms(), session.data(), List.copyOf(missed),
        session.resumePoint());
  }
}
