package dev.belay.cluster.redis;

/**
 * A cluster message read from Redis could not be decoded: malformed MessagePack, JSON or base64,
 * a missing field, or nesting deeper than the codec accepts. The reader drops that one message
 * and goes on; nothing else is affected.
 *
 * <pre>{@code
 * try {
 *   ClusterWireMessage message = StreamEntryCodec.decode(fields);
 * } catch (ClusterWireException e) {
 *   log.fine("dropped entry: " + e.getMessage());
 * }
 * }</pre>
 */
public final class ClusterWireException extends Exception {
  public ClusterWireException(String message) {
    super(message);
  }

  public ClusterWireException(String message, Throwable cause) {
    super(message, cause);
  }
}
