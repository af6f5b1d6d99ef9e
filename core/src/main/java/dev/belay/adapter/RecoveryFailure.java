package dev.belay.adapter;

/**
 * Why a client's session could not be restored; the socket layer reports it as the gap signal,
 * and the client starts a fresh socket.
 *
 * <pre>{@code
 * if (result.failure() == RecoveryFailure.TOO_MANY_MISSED_PACKETS) log.info("client missed too much");
 * }</pre>
 */
public enum RecoveryFailure {
  /** The session was known but its client stayed away longer than maxDisconnectionDuration. */
  EXPIRED,
  /** No session for this pid (never issued, forged, already restored, evicted) or an offset this server never issued. */
  UNKNOWN,
  /** The client missed more packets than the store keeps (maxStoredPackets): some are gone. */
  TOO_MANY_MISSED_PACKETS,
  /** Connection state recovery is off. */
  DISABLED
}
