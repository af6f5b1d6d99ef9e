package dev.belay.cluster.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the Redis Streams cluster transport, named and defaulted as the Node adapter's
 * ({@code @socket.io/redis-streams-adapter} 0.3): nodes of both kinds share a cluster only when
 * {@code streamName}, {@code channelPrefix} and {@code sessionKeyPrefix} agree.
 *
 * <pre>{@code
 * RedisStreamsOptions options = RedisStreamsOptions.builder().streamName("chat").maxLen(50_000).build();
 * }</pre>
 *
 * @param streamName the Redis stream messages are appended to ({@code "socket.io"})
 * @param channelPrefix the prefix of the Pub/Sub channels for requests and responses ({@code "socket.io"})
 * @param maxLen the approximate length the stream is trimmed to on each append (10,000)
 * @param readCount how many entries one read takes at most (100)
 * @param blockTime how long one blocking read waits for new entries (5 s)
 * @param sessionKeyPrefix the prefix of the keys that keep sessions for recovery ({@code "sio:session:"})
 * @param heartbeatInterval how often a node says it is alive when it has nothing else to publish (5 s)
 * @param heartbeatTimeout after how long without a word a node is taken for gone (10 s)
 * @param retryDelay how long the stream reader waits before trying again after Redis failed (1 s)
 * @param maxPendingPublishes how many messages a node lets wait for Redis at most (10,000): while
 *     Redis is unreachable they are queued and sent on reconnection; beyond this bound a publish
 *     fails at once (logged once per outage) instead of growing the heap
 * @param forwarding whether this node serves any request of any session of the cluster, so the
 *     load balancer needs no sticky sessions (false): a request for another node's session is
 *     handed to that node, found through Redis ({@code <streamName>:belay-nodes})
 * @param internalAddress the {@code host:port} the other nodes reach this node at, when
 *     forwarding (null: the local address the first request reached it at, for example
 *     {@code 127.0.0.1:3001}); setting it turns forwarding on
 */
public record RedisStreamsOptions(String streamName, String channelPrefix, int maxLen, int readCount,
    Duration blockTime, String sessionKeyPrefix, Duration heartbeatInterval, Duration heartbeatTimeout,
    Duration retryDelay, int maxPendingPublishes, boolean forwarding, String internalAddress) {
  public RedisStreamsOptions {
    Objects.requireNonNull(streamName, "streamName");
    Objects.requireNonNull(channelPrefix, "channelPrefix");
    Objects.requireNonNull(sessionKeyPrefix, "sessionKeyPrefix");
    if (streamName.isEmpty()) throw new IllegalArgumentException("streamName must not be empty");
    if (maxLen < 1) throw new IllegalArgumentException("maxLen must be positive");
    if (readCount < 1) throw new IllegalArgumentException("readCount must be positive");
    requirePositive(blockTime, "blockTime");
    requirePositive(heartbeatInterval, "heartbeatInterval");
    requirePositive(heartbeatTimeout, "heartbeatTimeout");
    requirePositive(retryDelay, "retryDelay");
    if (maxPendingPublishes < 1) throw new IllegalArgumentException("maxPendingPublishes must be positive");
    if (internalAddress != null && (internalAddress.isBlank() || internalAddress.lastIndexOf(':') <= 0)) {
      throw new IllegalArgumentException("internalAddress must be host:port, got " + internalAddress);
    }
  }

  /** The defaults, the Node adapter's. */
  public static RedisStreamsOptions defaults() {
    return builder().build();
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The Pub/Sub channel every node of namespace {@code nsp} listens to: {@code socket.io#/#}. */
  public String publicChannel(String nsp) {
    return channelPrefix + "#" + nsp + "#";
  }

  /** The Pub/Sub channel only node {@code uid} listens to, for responses: {@code socket.io#/#<uid>#}. */
  public String privateChannel(String nsp, String uid) {
    return channelPrefix + "#" + nsp + "#" + uid + "#";
  }

  private static void requirePositive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
  }

  /** Builds {@link RedisStreamsOptions}; not thread-safe. */
  public static final class Builder {
    private String streamName = "socket.io";
    private String channelPrefix = "socket.io";
    private int maxLen = 10_000;
    private int readCount = 100;
    private Duration blockTime = Duration.ofSeconds(5);
    private String sessionKeyPrefix = "sio:session:";
    private Duration heartbeatInterval = Duration.ofSeconds(5);
    private Duration heartbeatTimeout = Duration.ofSeconds(10);
    private Duration retryDelay = Duration.ofSeconds(1);
    private int maxPendingPublishes = 10_000;
    private boolean forwarding;
    private String internalAddress;

    private Builder() {}

    public Builder streamName(String value) { this.streamName = value; return this; }
    public Builder channelPrefix(String value) { this.channelPrefix = value; return this; }
    public Builder maxLen(int value) { this.maxLen = value; return this; }
    public Builder readCount(int value) { this.readCount = value; return this; }
    public Builder blockTime(Duration value) { this.blockTime = value; return this; }
    public Builder sessionKeyPrefix(String value) { this.sessionKeyPrefix = value; return this; }
    public Builder heartbeatInterval(Duration value) { this.heartbeatInterval = value; return this; }
    public Builder heartbeatTimeout(Duration value) { this.heartbeatTimeout = value; return this; }
    public Builder retryDelay(Duration value) { this.retryDelay = value; return this; }
    public Builder maxPendingPublishes(int value) { this.maxPendingPublishes = value; return this; }
    /** No sticky sessions needed: any node serves any request of any session (see the record's Javadoc). */
    public Builder forwarding(boolean value) { this.forwarding = value; return this; }
    /** The {@code host:port} other nodes reach this node at; turns forwarding on. */
    public Builder internalAddress(String value) { this.internalAddress = value; this.forwarding = true; return this; }

    public RedisStreamsOptions build() {
      return new RedisStreamsOptions(streamName, channelPrefix, maxLen, readCount, blockTime, sessionKeyPrefix,
          heartbeatInterval, heartbeatTimeout, retryDelay, maxPendingPublishes, forwarding || internalAddress != null,
          internalAddress);
    }
  }
}
